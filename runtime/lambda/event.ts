/** Converts an API Gateway REST proxy (v1) event into a Fetch-API `Request`. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { GatewayError } from '../core/errors.ts';

/** Methods that must not carry a body in a Fetch `Request`. */
const BODYLESS = new Set(['GET', 'HEAD']);

/** Request headers of the event (multi-value form preferred), lower-cased by `Headers`. */
export function eventHeaders(event: APIGatewayProxyEvent): Headers {
  const headers = new Headers();
  try {
    for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
      for (const value of values ?? []) headers.append(name, value);
    }
    if (!event.multiValueHeaders) {
      for (const [name, value] of Object.entries(event.headers ?? {})) {
        if (value !== undefined) headers.set(name, value);
      }
    }
  } catch {
    throw new GatewayError('invalid_request', 'The request has a malformed header.');
  }
  return headers;
}

/**
 * The viewer's IP behind CloudFront. API Gateway's `sourceIp` is the CloudFront edge, so the
 * viewer comes from `CloudFront-Viewer-Address` (`<ip>:<port>`, set by CloudFront) or else from
 * the `X-Forwarded-For` entry CloudFront appended just before that edge (entries further left
 * are the client's own claims). Without either, `sourceIp`.
 */
export function viewerIp(headers: Headers, sourceIp: string | null): string | null {
  const address = headers.get('cloudfront-viewer-address');
  if (address) {
    const cut = address.lastIndexOf(':');
    const ip = (cut > 0 ? address.slice(0, cut) : address).replace(/^\[|\]$/g, '').trim();
    if (ip && ip.length <= 45) return ip;
  }
  const hops = (headers.get('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  if (hops.length >= 2 && sourceIp !== null && hops[hops.length - 1] === sourceIp) {
    const viewer = hops[hops.length - 2]!;
    if (viewer.length <= 45) return viewer;
  }
  return sourceIp;
}

/** The `Request` for `event`, with `headers` (already read and filtered by the caller); `signal` fires when the client is gone. */
export function toRequest(event: APIGatewayProxyEvent, headers: Headers, signal?: AbortSignal): Request {
  const method = event.httpMethod;
  if (typeof method !== 'string' || typeof event.path !== 'string' || !event.path.startsWith('/')) {
    throw new GatewayError('invalid_request', 'The request has no method or path.');
  }
  try {
    const url = new URL(`https://${headers.get('host') ?? 'gateway.invalid'}`);
    url.pathname = event.path;
    url.search = eventQuery(event);
    return new Request(url, { method, headers, body: eventBody(event, method), ...(signal ? { signal } : {}) });
  } catch {
    // Bad host header, forbidden method (CONNECT, TRACE) and the like: the client's fault, not a crash.
    throw new GatewayError('invalid_request', 'The request line or host is malformed.');
  }
}

function eventQuery(event: APIGatewayProxyEvent): string {
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    for (const value of values ?? []) query.append(name, value);
  }
  if (!event.multiValueQueryStringParameters) {
    for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
      if (value !== undefined) query.append(name, value);
    }
  }
  return query.toString();
}

function eventBody(event: APIGatewayProxyEvent, method: string): Uint8Array | undefined {
  if (BODYLESS.has(method) || event.body === null || event.body === undefined) return undefined;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}
