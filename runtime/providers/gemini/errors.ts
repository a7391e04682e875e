/**
 * Google API errors (`{ "error": { code, message, status, details } }`) to Failures, in
 * error responses and inside streams; content blocks (prompt or answer) as Failures too.
 * @module
 */
import { maskSecrets } from '../../core/mask.ts';
import { isObject } from '../../openai/types.ts';
import { classOfStatus, failure, retryAfterMs, type ErrorClass, type Failure } from '../../routing/failure.ts';
import { merged } from '../../merged.ts';

/** The parts of a Google error object Sluice reads. */
export interface GoogleError {
  /** The HTTP status Google puts in the body (`code`). */
  readonly code: number | null;
  readonly message: string;
  /** Canonical status name: `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, … */
  readonly status: string | null;
  readonly details: readonly unknown[];
}

/** Messages of a prompt longer than the model takes ("The input token count (N) exceeds the maximum number of tokens allowed (M)"). */
const CONTEXT = /input token count.*exceeds the maximum|exceeds the maximum number of tokens|context (length|window)/i;
/** Messages of a refused key: Google answers 400 INVALID_ARGUMENT, not 401. */
const BAD_KEY = /API key (not valid|expired|not found)|API_KEY_INVALID/i;

/** Classes of canonical statuses, for errors that come without an HTTP status (inside a stream). */
const STATUS_CLASS: Readonly<Record<string, ErrorClass>> = {
  INVALID_ARGUMENT: 'invalid_request',
  NOT_FOUND: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  FAILED_PRECONDITION: 'auth',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
  INTERNAL: 'server',
  UNKNOWN: 'server',
  ABORTED: 'server',
};

/** The Google error in a parsed body (`{ error }`, or `[{ error }]` as the JSON-array stream form sends it). */
export function googleErrorOf(body: unknown): GoogleError | null {
  const holder = Array.isArray(body) ? body[0] : body;
  if (!isObject(holder) || !isObject(holder.error)) return null;
  const e = holder.error;
  return {
    code: typeof e.code === 'number' ? e.code : null,
    message: typeof e.message === 'string' ? e.message : '',
    status: typeof e.status === 'string' ? e.status : null,
    details: Array.isArray(e.details) ? e.details : [],
  };
}

function detailsOfType(err: GoogleError, type: string): Record<string, unknown>[] {
  return err.details.filter((d): d is Record<string, unknown> => isObject(d) && typeof d['@type'] === 'string' && d['@type'].endsWith(type));
}

/** `RetryInfo.retryDelay` ("37s", "1.5s") in ms. */
export function retryDelayMs(err: GoogleError): number | null {
  for (const d of detailsOfType(err, 'google.rpc.RetryInfo')) {
    const m = typeof d.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(d.retryDelay.trim()) : null;
    if (m) return Math.ceil(Number(m[1]) * 1000);
  }
  return null;
}

/** True when a `QuotaFailure` names a per-day quota: trying again today cannot help. */
function dailyQuota(err: GoogleError): boolean {
  return detailsOfType(err, 'google.rpc.QuotaFailure').some(
    (d) => Array.isArray(d.violations) && d.violations.some((v) => isObject(v) && typeof v.quotaId === 'string' && /PerDay/i.test(v.quotaId)),
  );
}

function keyRefused(err: GoogleError): boolean {
  return BAD_KEY.test(err.message) || detailsOfType(err, 'google.rpc.ErrorInfo').some((d) => d.reason === 'API_KEY_INVALID');
}

/**
 * A Failure for a Google error. `httpStatus` is the response's status (null inside a 200
 * stream, where the body's `code` and `status` decide). The status decides the class,
 * refined only for context length, a refused key (400 → `auth`), a missing billing
 * precondition (400 FAILED_PRECONDITION → `auth`) and a daily quota (`final`).
 */
export function failureOfGoogle(err: GoogleError, httpStatus: number | null, extra: Partial<Failure> = {}): Failure {
  const status = err.status ?? '';
  const statusCode = httpStatus ?? err.code;
  let cls: ErrorClass;
  let code: string;
  if (CONTEXT.test(err.message) && (statusCode === null || statusCode === 400)) [cls, code] = ['context_length_exceeded', 'context_length_exceeded'];
  else if (keyRefused(err)) [cls, code] = ['auth', 'api_key_invalid'];
  else if (status === 'FAILED_PRECONDITION') [cls, code] = ['auth', 'failed_precondition'];
  else {
    cls = httpStatus !== null && httpStatus >= 400 ? classOfStatus(httpStatus) : (STATUS_CLASS[status] ?? (err.code !== null && err.code >= 400 ? classOfStatus(err.code) : 'server'));
    code = status !== '' ? status.toLowerCase() : `upstream_${cls}`;
  }
  const final = (status === 'RESOURCE_EXHAUSTED' && dailyQuota(err)) || status === 'FAILED_PRECONDITION';
  const message = maskSecrets(err.message !== '' ? err.message : `Gemini answered ${status || (statusCode ?? 'with an error')}`);
  return failure(cls, code, message, { status: httpStatus, retryAfterMs: retryDelayMs(err), final, source: 'provider', ...extra });
}

/** Maps an error response of the Gemini API (status, headers, body text). */
export function geminiError(status: number, headers: Readonly<Record<string, string>>, text: string, now: number): Failure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const err = googleErrorOf(body) ?? { code: status, message: `Gemini answered ${status}`, status: null, details: [] };
  const f = failureOfGoogle(err, status);
  const fromHeader = retryAfterMs(headers, now);
  return fromHeader !== null ? merged(f, { retryAfterMs: fromHeader }) : f;
}

/** The Failure for a blocked prompt (`promptFeedback.blockReason`): the same prompt is blocked again. */
export function promptBlocked(reason: string): Failure {
  return failure('content_filtered', 'content_filter', `Gemini blocked the prompt (${reason}).`, { maybeAccepted: true, final: true, source: 'provider' });
}

/** The Failure for an answer a filter stopped (finish reason SAFETY, RECITATION, …). */
export function answerFiltered(reason: string, midway: boolean): Failure {
  const when = midway ? 'part way through the answer' : 'before any content';
  return failure('content_filtered', 'content_filter', `Gemini stopped the answer ${when} (${reason}).`, { maybeAccepted: true, source: 'provider' });
}

/** The Failure for an answer that is only an invalid function call (MALFORMED_FUNCTION_CALL). */
export function badFunctionCall(reason: string): Failure {
  return failure('server', 'upstream_bad_function_call', `Gemini ended without a usable answer (${reason}).`, { maybeAccepted: true, source: 'provider' });
}

/** The Failure for an answer Sluice cannot read. */
export function malformed(what: string): Failure {
  return failure('server', 'upstream_malformed', what, { maybeAccepted: true });
}
