/**
 * Waits between retries: exponential backoff with full jitter, and the provider's
 * Retry-After honoured (a wait longer than the backoff cap means "try elsewhere").
 * @module
 */
import type { StopSignal } from '../core/stop.ts';
import type { PlanRetry } from '../plan.ts';

/**
 * The wait before retry number `retry` (1 for the first retry), or null when the provider
 * asked for more than the backoff allows and the target should not be retried.
 */
export function retryDelay(retry: number, policy: PlanRetry, retryAfterMs: number | null, random: () => number): number | null {
  const { initialMs, maxMs, multiplier } = policy.backoff;
  const cap = Math.min(maxMs, initialMs * multiplier ** (retry - 1));
  const jittered = Math.floor(random() * cap);
  if (retryAfterMs === null) return jittered;
  if (retryAfterMs > maxMs) return null;
  return Math.max(jittered, retryAfterMs);
}

/** Resolves after `ms`, or early (false) when `signal` aborts. */
export function sleep(ms: number, signal: StopSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
