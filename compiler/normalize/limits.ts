/**
 * Limits in Plan form: one list (top-level and per-consumer), each with a stable id,
 * resolved selectors, defaults, and the number of counter shards it needs.
 * @module
 */
import type { LimitKind, PlanLimit, PlanScope } from '../../runtime/plan.ts';
import { allLimits, scopesOf } from '../checks/limits.ts';
import { parseWindow } from '../duration.ts';
import type { LimitSpec, Spec } from '../spec.ts';
import { SHARD_WRITES_PER_SECOND } from './defaults.ts';

const KINDS: readonly LimitKind[] = ['requests', 'tokens', 'budget_usd', 'concurrent'];
const SHORT: Record<LimitKind, string> = { requests: 'requests', tokens: 'tokens', budget_usd: 'budget', concurrent: 'concurrent' };

function kindOf(l: LimitSpec): LimitKind {
  return KINDS.find((k) => l[k] !== undefined)!;
}

function scope(text: string): PlanScope {
  if (text.startsWith('header:')) return { kind: 'header', header: text.slice('header:'.length).toLowerCase() };
  return { kind: text as 'consumer' | 'route' | 'ip' | 'global' };
}

function shards(kind: LimitKind, amount: number, windowMs: number | null): number {
  if (kind !== 'requests' || windowMs === null) return 1;
  const perSecond = amount / (windowMs / 1000);
  return Math.max(1, Math.ceil(perSecond / SHARD_WRITES_PER_SECOND));
}

function derivedId(l: LimitSpec, owner: string | null, scopes: readonly string[]): string {
  const base = `${SHORT[kindOf(l)]}${l.window ? `-${l.window}` : ''}`;
  return owner !== null ? `${owner}.${base}` : `${base}-${scopes.join('+').replace(/:/g, '-')}`;
}

/** Every limit of the spec, in document order (top-level first). */
export function normalizeLimits(spec: Spec): PlanLimit[] {
  const allRoutes = Object.keys(spec.routes).sort();
  const used = new Set<string>((spec.limits ?? []).map((l) => l.name).filter((n): n is string => n !== undefined));
  for (const c of Object.values(spec.consumers ?? {})) for (const l of c.limits ?? []) if (l.name) used.add(l.name);
  return allLimits(spec).map(({ limit: l, owner }) => {
    const kind = kindOf(l);
    const scopes = scopesOf(l, owner);
    let id = l.name;
    if (id === undefined) {
      const base = derivedId(l, owner, scopes);
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
    }
    const window = kind === 'concurrent' || l.window === undefined ? null : parseWindow(l.window);
    const ownerRoutes = owner === null ? undefined : spec.consumers?.[owner]?.routes;
    const routes = l.routes ? [...l.routes].sort() : ownerRoutes && !ownerRoutes.includes('*') ? [...ownerRoutes].sort() : allRoutes;
    return {
      id,
      kind,
      amount: l[kind]!,
      window,
      algorithm: window?.kind === 'calendar' ? 'fixed' : (l.algorithm ?? 'fixed'),
      scope: scopes.map(scope),
      routes,
      consumers: owner !== null ? [owner] : l.consumers ? [...l.consumers].sort() : null,
      onStoreError: l.on_store_error ?? (kind === 'budget_usd' ? 'closed' : 'open'),
      shards: shards(kind, l[kind]!, window?.kind === 'duration' ? window.ms : null),
      owner,
    };
  });
}
