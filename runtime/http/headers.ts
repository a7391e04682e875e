/** Request and response header handling for the upstream client: framing headers are the transport's, repeated response headers are joined. */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that describe the connection or the message framing. The client owns them (Host
 * from the URL, Content-Length from the body, keep-alive from its agent), so a caller's
 * copy (for example one passed through from the gateway's own client) is dropped.
 */
const TRANSPORT_HEADERS: readonly string[] = [
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
];

/** The `accept-encoding` sent when the caller sets none: every coding the client decodes. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** The caller's headers without transport headers; the same object when it has none (the usual case). */
export function requestHeaders(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  for (const name of TRANSPORT_HEADERS) {
    if (headers[name] !== undefined) return withoutTransportHeaders(headers);
  }
  return headers;
}

function withoutTransportHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined && !TRANSPORT_HEADERS.includes(name)) copy[name] = value;
  }
  return copy;
}

/**
 * Response headers as plain strings: repeated headers joined with ", " (Node gives
 * `set-cookie` as a list). When the client decoded the body, `content-encoding` and
 * `content-length` are dropped, since they no longer describe the bytes handed on.
 */
export function responseHeaders(headers: IncomingHttpHeaders, decoded: boolean): Record<string, string> {
  if (!decoded && !Array.isArray(headers['set-cookie'])) return headers as Record<string, string>;
  const copy: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    copy[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return copy;
}
