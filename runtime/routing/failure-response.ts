/**
 * The client's error for a request whose strategy failed: the provider's own error when the
 * request itself was wrong, a gateway code otherwise, naming what was tried. Clients are
 * told not to retry, because the gateway already did.
 * @module
 */
import { ERROR_CATALOG, errorResponse, errorResponseWith, type ErrorCode } from '../core/errors.ts';
import { NO_CLIENT_RETRY } from '../core/headers.ts';
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

/** "openai/gpt-4o-mini 503, anthropic/claude timeout" */
function tried(attempts: readonly AttemptRecord[]): string {
  return attempts.map((a) => `${a.provider}/${a.model} ${a.status ?? a.errorClass ?? 'failed'}`).join(', ');
}

/** The code the client sees for a failure. */
export function clientCode(f: Failure): string {
  if (f.class === 'invalid_request' || f.class === 'context_length_exceeded' || f.class === 'content_filtered') return f.code;
  if (f.code === 'circuit_open') return 'upstream_unavailable';
  // Gateway-made codes (deadline_exceeded, upstream_stream_cut, …) say more than the class.
  if (f.source === 'gateway' && f.code in ERROR_CATALOG) return f.code;
  return CODES[f.class];
}

/** The response for a failed strategy. */
export function failureResponse(f: Failure, attempts: readonly AttemptRecord[]): Response {
  const headers: Record<string, string> = { ...NO_CLIENT_RETRY };
  if (f.retryAfterMs !== null) headers['retry-after'] = String(Math.ceil(f.retryAfterMs / 1000));
  const summary = attempts.length === 0 ? '' : ` Tried: ${tried(attempts)}.`;
  if (f.class === 'invalid_request' || f.class === 'context_length_exceeded' || f.class === 'content_filtered') {
    const status = f.status !== null && f.status >= 400 && f.status < 500 ? f.status : 400;
    return errorResponseWith(status, 'invalid_request_error', f.code, f.message, null, headers);
  }
  const code = clientCode(f) as ErrorCode;
  const message = f.class === 'auth' ? 'The provider refused the gateway\'s credentials.' : f.message;
  return errorResponse(code, `${message}${summary}`, null, headers);
}
