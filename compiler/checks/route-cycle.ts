/**
 * route-cycle: following `route:` references never leads back to the route it started from.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import { referencedRoutes } from '../reach.ts';
import type { Check } from './context.ts';

export const routeCycle: Check = ({ spec }) => {
  const edges = new Map(Object.entries(spec.routes).map(([name, def]) => [name, referencedRoutes(def.strategy)]));
  const findings: Finding[] = [];
  for (const start of edges.keys()) {
    const cycle = findCycle(start, edges);
    if (cycle) {
      findings.push({ code: 'route-cycle', message: `route "${start}" depends on itself: ${cycle.join(' → ')}`, path: ['routes', start, 'strategy'] });
    }
  }
  return findings;
};

/** A path start → … → start through the reference graph, if one exists. */
function findCycle(start: string, edges: Map<string, string[]>): string[] | undefined {
  const stack: { route: string; trail: string[] }[] = [{ route: start, trail: [start] }];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const { route, trail } = stack.pop()!;
    for (const next of edges.get(route) ?? []) {
      if (next === start) return [...trail, start];
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push({ route: next, trail: [...trail, next] });
    }
  }
  return undefined;
}
