/**
 * budget-unpriced: a budget can only be enforced when every model it can reach has a price.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import { priceFor } from '../prices.ts';
import { reachableTargets } from '../reach.ts';
import { splitTarget } from '../spec.ts';
import { allLimits } from './limits.ts';
import type { Check } from './context.ts';

export const budgetUnpriced: Check = ({ spec }) => {
  const findings: Finding[] = [];
  for (const { limit, path, owner } of allLimits(spec)) {
    if (limit.budget_usd === undefined) continue;
    const routes = limitRoutes(spec, limit.routes, owner);
    const unpriced = new Set<string>();
    for (const route of routes) {
      for (const target of reachableTargets(spec, route)) {
        const { provider, model } = splitTarget(target);
        if (!priceFor(spec, provider, model)) unpriced.add(target);
      }
    }
    if (unpriced.size === 0) continue;
    const list = [...unpriced].sort();
    findings.push({
      code: 'budget-unpriced',
      message: `this budget cannot be counted: no price for ${list.join(', ')}; add ${list.length === 1 ? 'it' : 'them'} under prices`,
      path: [...path, 'budget_usd'],
    });
  }
  return findings;
};

/** Routes a limit applies to: its selector, else the owner's allowed routes, else all. */
function limitRoutes(spec: Parameters<Check>[0]['spec'], selector: readonly string[] | undefined, owner: string | null): string[] {
  if (selector) return [...selector];
  const allowed = owner === null ? undefined : spec.consumers?.[owner]?.routes;
  if (allowed && !allowed.includes('*')) return [...allowed];
  return Object.keys(spec.routes);
}
