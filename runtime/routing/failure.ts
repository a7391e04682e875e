/**
 * Failed attempts as values: every provider error, transport error and timeout becomes a
 * Failure with one error class, so retry, fallback and the client's error are decided
 * from the same data.
 * @module
 */
import type { FailureClass } from '../plan.ts';

/** The error classes (FailureClass without statuses). */
export type ErrorClass = Exclude<FailureClass, number | '5xx'>;

/** One failed attempt, or the reason a request could not be attempted. */
export interface Failure {
  readonly class: ErrorClass;
  /** Upstream HTTP status; null for transport failures and timeouts. */
  readonly status: number | null;
  /** Stable code for the client (provider's code for client errors, a gateway code otherwise). */
  readonly code: string;
  /** One client-safe sentence. */
  readonly message: string;
  /** Wait the provider asked for, in ms. */
  readonly retryAfterMs: number | null;
  /** The provider may have received and acted on the request (do not resend a POST). */
  readonly maybeAccepted: boolean;
  /** Trying the same target again cannot help (for example an exhausted quota). */
  readonly final: boolean;
  /** Who chose `code`: the provider (its own error code) or the gateway (a catalog code). */
  readonly source: 'provider' | 'gateway';
}

/** A failure with defaults for the optional facts. */
export function failure(cls: ErrorClass, code: string, message: string, extra: Partial<Failure> = {}): Failure {
  return { class: cls, status: null, code, message, retryAfterMs: null, maybeAccepted: false, final: false, source: 'gateway', ...extra };
}

/** The error class of an upstream HTTP status, before provider-specific refinements. */
export function classOfStatus(status: number): ErrorClass {
  if (status === 429) return 'rate_limited';
  // 408 and 504: the provider (or its own gateway) gave up waiting; another try may be faster.
  if (status === 408 || status === 504) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'invalid_request';
}

/** True when `f` is one of the failure kinds listed in `on` (statuses, `5xx`, classes). */
export function matches(f: Failure, on: readonly FailureClass[]): boolean {
  for (const item of on) {
    if (typeof item === 'number') {
      if (f.status === item) return true;
    } else if (item === '5xx') {
      if (f.status !== null && f.status >= 500 && f.status <= 599) return true;
    } else if (item === f.class) {
      return true;
    }
  }
  return false;
}

/** Classes that say something about the target's health (they count for its circuit breaker). */
export function countsAgainstTarget(f: Failure): boolean {
  return f.class === 'server' || f.class === 'overloaded' || f.class === 'timeout' || f.class === 'network' || f.class === 'rate_limited';
}

/** Parses a Retry-After header (seconds or HTTP date) or OpenAI's retry-after-ms into ms. */
export function retryAfterMs(headers: Readonly<Record<string, string>>, now: number): number | null {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers['retry-after']?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
