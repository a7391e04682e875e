/**
 * OpenAI-shaped error bodies (`{ "error": { message, type, code } }`) to Failures; shared
 * by every OpenAI-compatible provider, in responses and inside streams.
 * @module
 */
import { maskSecrets } from '../../core/mask.ts';
import { isObject } from '../../openai/types.ts';
import { classOfStatus, failure, retryAfterMs, type ErrorClass, type Failure } from '../../routing/failure.ts';

/** Error codes that say more than any status: they win over the status's class. */
const REFINING_CODES: Readonly<Record<string, ErrorClass>> = {
  context_length_exceeded: 'context_length_exceeded',
  string_above_max_length: 'context_length_exceeded',
  content_filter: 'content_filtered',
  content_policy_violation: 'content_filtered',
  insufficient_quota: 'rate_limited',
};

/** Codes of errors sent inside a 200 stream, where there is no status to go by. */
const STREAM_CODES: Readonly<Record<string, ErrorClass>> = {
  rate_limit_exceeded: 'rate_limited',
  server_overloaded: 'overloaded',
  overloaded: 'overloaded',
  overloaded_error: 'overloaded',
  server_error: 'server',
  invalid_request_error: 'invalid_request',
};

/** The `error` member of an OpenAI-style body, when there is one. */
export function errorMember(body: unknown): { message: string; code: string | null } | null {
  if (!isObject(body) || body.error === undefined || body.error === null) return null;
  const e = body.error;
  if (typeof e === 'string') return { message: e, code: null };
  if (!isObject(e)) return { message: 'provider error', code: null };
  const code = typeof e.code === 'string' ? e.code : typeof e.type === 'string' ? e.type : null;
  return { message: typeof e.message === 'string' ? e.message : 'provider error', code };
}

/** A Failure from an error member and the HTTP status it came with (200 inside streams). */
export function failureOf(member: { message: string; code: string | null }, status: number | null, extra: Partial<Failure> = {}): Failure {
  const code = member.code ?? '';
  const cls = REFINING_CODES[code] ?? (status !== null && status >= 400 ? classOfStatus(status) : (STREAM_CODES[code] ?? 'server'));
  return failure(cls, member.code ?? `upstream_${cls}`, maskSecrets(member.message), {
    status,
    final: member.code === 'insufficient_quota',
    source: 'provider',
    ...extra,
  });
}

/** Maps an error response of an OpenAI-compatible API. */
export function openaiError(status: number, headers: Readonly<Record<string, string>>, text: string, now: number): Failure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const member = errorMember(body) ?? { message: `the provider answered ${status}`, code: null };
  return failureOf(member, status, { retryAfterMs: retryAfterMs(headers, now) });
}
