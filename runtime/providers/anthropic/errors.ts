/**
 * Anthropic error bodies (`{type: "error", error: {type, message}}`) to Failures, for error
 * statuses and for `event: error` inside a 200 stream.
 * @module
 */
import { maskSecrets } from '../../core/mask.ts';
import { isObject } from '../../openai/types.ts';
import { classOfStatus, failure, retryAfterMs, type ErrorClass, type Failure } from '../../routing/failure.ts';

/** The `error` member of an Anthropic error body. */
export interface ErrorMember {
  readonly type: string | null;
  readonly message: string;
  /** `error.details.error_code`, when Anthropic sends one (for example a spend limit). */
  readonly detail: string | null;
}

/** Error types by class, for errors inside a stream, where there is no status to go by. */
const STREAM_CLASSES: Readonly<Record<string, ErrorClass>> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'auth',
  permission_error: 'auth',
  not_found_error: 'invalid_request',
  request_too_large: 'invalid_request',
  rate_limit_error: 'rate_limited',
  billing_error: 'rate_limited',
  api_error: 'server',
  timeout_error: 'timeout',
  overloaded_error: 'overloaded',
};

/** Messages Anthropic sends when the prompt (or prompt plus `max_tokens`) does not fit the context window. */
const TOO_LONG = /prompt is too long|exceed(?:s|ed)? (?:the )?context (?:limit|window)/i;

/** The error member of a parsed body, when it is an Anthropic (or OpenAI-shaped) error. */
export function errorMember(body: unknown): ErrorMember | null {
  if (!isObject(body) || !isObject(body.error)) return null;
  const e = body.error;
  const details = isObject(e.details) ? e.details : null;
  return {
    type: typeof e.type === 'string' ? e.type : null,
    message: typeof e.message === 'string' ? e.message : 'provider error',
    detail: details && typeof details.error_code === 'string' ? details.error_code : null,
  };
}

/**
 * The class of an error: the status decides (the error type inside a stream), refined only
 * where the type says more: a prompt too long is `context_length_exceeded`; an exhausted
 * balance or spend limit is `rate_limited` and final, as OpenAI's `insufficient_quota`.
 */
function classify(m: ErrorMember, status: number | null): { cls: ErrorClass; final: boolean } {
  if (TOO_LONG.test(m.message) && (m.type === null || m.type === 'invalid_request_error' || m.type === 'request_too_large')) return { cls: 'context_length_exceeded', final: false };
  if (m.type === 'billing_error' || m.detail === 'enforced_spend_limit_reached') return { cls: 'rate_limited', final: true };
  if (status !== null && status >= 400) return { cls: classOfStatus(status), final: false };
  return { cls: (m.type !== null ? STREAM_CLASSES[m.type] : undefined) ?? 'server', final: false };
}

/** A Failure from an error member; `status` null inside streams. The message is masked and never names the request id. */
export function failureOf(m: ErrorMember, status: number | null, extra: Partial<Failure> = {}): Failure {
  const { cls, final } = classify(m, status);
  const code = cls === 'context_length_exceeded' ? 'context_length_exceeded' : (m.type ?? `upstream_${cls}`);
  return failure(cls, code, maskSecrets(m.message), { status, final, source: 'provider', ...extra });
}

/** Maps an error response of the Messages API (status, headers, body text). */
export function anthropicError(status: number, headers: Readonly<Record<string, string>>, text: string, now: number): Failure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const m = errorMember(body) ?? { type: null, message: `the provider answered ${status}`, detail: null };
  return failureOf(m, status, { retryAfterMs: retryAfterMs(headers, now) });
}

/** The Failure for an `error` event (or error body) that arrived after a 200: the provider may have accepted the call. */
export function streamFailure(body: unknown): Failure {
  const m = errorMember(body) ?? { type: null, message: 'the provider reported an error', detail: null };
  return failureOf(m, null, { maybeAccepted: true });
}

/** The Failure for an answer the gateway cannot read. */
export function malformed(what: string): Failure {
  return failure('server', 'upstream_malformed', `the provider sent ${what}`, { maybeAccepted: true });
}
