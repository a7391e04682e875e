/**
 * Shared helper for checks about limits: every limit of the spec with its path and owner.
 * @module
 */
import type { SpecPath } from '../diagnostics/diagnostic.ts';
import type { LimitSpec, Spec } from '../spec.ts';

/** A limit and where it is declared. */
export interface LocatedLimit {
  readonly limit: LimitSpec;
  readonly path: SpecPath;
  /** The consumer whose `limits` hold it, or null for top-level limits. */
  readonly owner: string | null;
}

/** Top-level limits first, then each consumer's, in document order. */
export function allLimits(spec: Spec): LocatedLimit[] {
  const out: LocatedLimit[] = (spec.limits ?? []).map((limit, i) => ({ limit, path: ['limits', i], owner: null }));
  for (const [name, consumer] of Object.entries(spec.consumers ?? {})) {
    (consumer.limits ?? []).forEach((limit, i) => out.push({ limit, path: ['consumers', name, 'limits', i], owner: name }));
  }
  return out;
}

/** The scopes of a limit as a list (default consumer for a consumer's own limits, else global). */
export function scopesOf(limit: LimitSpec, owner: string | null): string[] {
  if (limit.scope === undefined) return [owner === null ? 'global' : 'consumer'];
  return typeof limit.scope === 'string' ? [limit.scope] : [...limit.scope];
}
