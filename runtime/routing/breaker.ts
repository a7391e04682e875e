/**
 * Circuit breakers per target (`provider/model`), kept per instance: a run of failures
 * opens the breaker for a cooldown; then one probe is let through, and its result closes
 * or reopens it.
 * @module
 */

/** Tuning of every breaker. */
export interface BreakerOptions {
  /** Consecutive failures that open a breaker. @default 5 */
  readonly threshold: number;
  /** How long an open breaker refuses calls, in ms. @default 30000 */
  readonly cooldownMs: number;
}

interface State {
  failures: number;
  openUntil: number;
  probing: boolean;
}

/** The breakers of one process. */
export interface BreakerBoard {
  /** May `key` be called now? In the half-open state this claims the single probe. */
  acquire(key: string, now: number): boolean;
  /** Would `key` be callable now (without claiming a probe)? */
  available(key: string, now: number): boolean;
  success(key: string): void;
  failure(key: string, now: number): void;
  /** Gives back a probe claimed by `acquire` that ended with no verdict (the client left, the deadline passed). */
  release(key: string): void;
}

/** A board of breakers with the given tuning. */
export function createBreakers(options: Partial<BreakerOptions> = {}): BreakerBoard {
  const threshold = options.threshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const states = new Map<string, State>();
  const stateOf = (key: string): State => {
    let s = states.get(key);
    if (!s) {
      s = { failures: 0, openUntil: 0, probing: false };
      states.set(key, s);
    }
    return s;
  };
  return {
    available(key, now) {
      const s = states.get(key);
      return !s || s.failures < threshold || (now >= s.openUntil && !s.probing);
    },
    acquire(key, now) {
      const s = states.get(key);
      if (!s || s.failures < threshold) return true;
      if (now < s.openUntil || s.probing) return false;
      s.probing = true;
      return true;
    },
    success(key) {
      const s = states.get(key);
      if (s) {
        s.failures = 0;
        s.probing = false;
      }
    },
    release(key) {
      const s = states.get(key);
      if (s) s.probing = false;
    },
    failure(key, now) {
      const s = stateOf(key);
      s.failures++;
      s.probing = false;
      if (s.failures >= threshold) s.openUntil = now + cooldownMs;
    },
  };
}
