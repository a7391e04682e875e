/**
 * Stage overrides: the spec as it is for one stage. Objects merge key by key; lists and
 * scalars replace. The input is never mutated.
 * @module
 */
import type { Finding } from './diagnostics/diagnostic.ts';
import type { ProviderSpec, Spec } from './spec.ts';
import { didYouMean } from './suggest.ts';

/** The spec with the stage's overrides applied, or a finding when the stage is unknown. */
export function applyStage(spec: Spec, stage: string | undefined): { spec: Spec } | { finding: Finding } {
  if (stage === undefined) return { spec };
  const stages = spec.gateway.stages ?? {};
  const def = stages[stage];
  if (!def) {
    const names = Object.keys(stages);
    const known = names.length > 0 ? `; declared stages: ${names.join(', ')}` : '; the spec declares no stages';
    return {
      finding: {
        code: 'unknown-stage',
        message: `stage "${stage}" is not declared${didYouMean(stage, names) || known}`,
        path: names.length > 0 ? ['gateway', 'stages'] : ['gateway'],
        atKey: true,
      },
    };
  }
  const o = def.overrides ?? {};
  const providers: Record<string, ProviderSpec> = {};
  for (const [name, p] of Object.entries(spec.providers)) {
    providers[name] = merge(p, o.providers?.[name]) as ProviderSpec;
  }
  const gateway = {
    ...spec.gateway,
    ...(def.region !== undefined ? { region: def.region } : {}),
    runtime: merge(spec.gateway.runtime, o.runtime),
  };
  return {
    spec: {
      ...spec,
      gateway,
      providers,
      logging: merge(spec.logging, o.logging),
      alerts: merge(spec.alerts, o.alerts),
      edge: merge(spec.edge, o.edge),
      cache: merge(spec.cache, o.cache),
    },
  };
}

/** Deep merge of plain objects; `over` wins; lists and scalars replace. */
export function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
