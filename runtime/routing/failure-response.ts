/**
 * The client's error for a request whose strategy failed: the provider's own error when the
 * request itself was wrong, a gateway code otherwise, naming what was tried, written in the
 * client's protocol. Clients are told not to retry, because the gateway already did.
 * @module
 */
import { chatProtocol } from '../apis/chat.ts';
import type { ClientError, ClientProtocol } from '../apis/types.ts';
import { ERROR_CATALOG, type ErrorCode } from '../core/errors.ts';
import { NO_CLIENT_RETRY } from '../core/headers.ts';
import { jsonResponse } from '../core/respond.ts';
import type { AttemptRecord } from '../log/types.ts';
import type { Failure } from './failure.ts';

/** Gateway codes by error class, for failures that are not the client's fault. */
const CODES: Record<Exclude<Failure['class'], 'invalid_request' | 'context_length_exceeded' | 'content_filtered'>, ErrorCode> = {
  rate_limited: 'upstream_rate_limited',
  overloaded: 'upstream_overloaded',
  timeout: 'upstream_timeout',
  network: 'upstream_unreachable',
  server: 'upstream_error',
  auth: 'upstream_auth_failed',
};

type ClientFaultClass = 'invalid_request' | 'context_length_exceeded' | 'content_filtered';

function clientFault(f: Failure): f is Failure & { class: ClientFaultClass } {
  return f.class === 'invalid_request' || f.class === 'context_length_exceeded' || f.class === 'content_filtered';
}

/** "openai/gpt-4o-mini 503, anthropic/claude timeout" */
function tried(attempts: readonly AttemptRecord[]): string {
  return attempts.map((a) => `${a.provider}/${a.model} ${a.status ?? a.errorClass ?? 'failed'}`).join(', ');
}

/** The code the client sees for a failure. */
export function clientCode(f: Failure): string {
  if (clientFault(f)) return f.code;
  if (f.code === 'circuit_open') return 'upstream_unavailable';
  // Gateway-made codes (deadline_exceeded, upstream_stream_cut, …) say more than the class.
  if (f.source === 'gateway' && f.code in ERROR_CATALOG) return f.code;
  return CODES[f.class as Exclude<Failure['class'], ClientFaultClass>];
}

/** The error the client gets for a failure, in protocol-neutral form. */
export function clientErrorOf(f: Failure, attempts: readonly AttemptRecord[]): ClientError {
  if (clientFault(f)) {
    const status = f.status !== null && f.status >= 400 && f.status < 500 ? f.status : 400;
    return { status, type: 'invalid_request_error', code: f.code, message: f.message, param: null };
  }
  const code = clientCode(f) as ErrorCode;
  const { status, type } = ERROR_CATALOG[code];
  const summary = attempts.length === 0 ? '' : ` Tried: ${tried(attempts)}.`;
  // A provider's own auth error can quote the key: it is never passed on. The gateway's own
  // (a key it does not have) says which key to set.
  const message = f.class === 'auth' && f.source === 'provider' ? "The provider refused the gateway's credentials." : f.message;
  return { status, type, code, message: `${message}${summary}`, param: null };
}

/** The response for a failed strategy. */
export function failureResponse(f: Failure, attempts: readonly AttemptRecord[], protocol: ClientProtocol = chatProtocol): Response {
  const headers: Record<string, string> = { ...NO_CLIENT_RETRY };
  if (f.retryAfterMs !== null) headers['retry-after'] = String(Math.ceil(f.retryAfterMs / 1000));
  const e = clientErrorOf(f, attempts);
  return jsonResponse(protocol.errorBody(e), e.status, headers);
}
