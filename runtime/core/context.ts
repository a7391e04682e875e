/** What `handle` depends on besides the request: the Plan and the side-effecting services, passed explicitly. */
import type { Plan } from '../plan.ts';

/** Source of the current time, injectable so tests control it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Reads a Secrets Manager secret (name or ARN) as a string; implementations cache. */
export type SecretGetter = (secretId: string) => Promise<string>;

/** Long-lived dependencies of the request pipeline, built once per process (cold start). */
export interface HandlerContext {
  readonly plan: Plan;
  readonly clock: Clock;
  readonly secrets: SecretGetter;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
