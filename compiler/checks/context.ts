/**
 * What every meaning check receives and returns.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import type { Spec } from '../spec.ts';

/** Input of a check: a schema-valid spec (stage overrides applied) and the clock. */
export interface CheckContext {
  readonly spec: Spec;
  /** Epoch milliseconds; only checks about expiry read it. */
  readonly now: number;
}

/** A meaning check: a pure function from a valid spec to findings. */
export type Check = (ctx: CheckContext) => Finding[];
