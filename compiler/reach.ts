/**
 * What a route can reach: the `<provider>/<model>` targets of its strategy tree, following
 * `route:` references (each route at most once, so cycles terminate).
 * @module
 */
import { nodeKind, type NodeSpec, type Spec } from './spec.ts';
import { childrenOf, targetOf } from './walk.ts';

/** Sorted, distinct targets reachable from a route. */
export function reachableTargets(spec: Spec, route: string): string[] {
  const targets = new Set<string>();
  const seen = new Set<string>();
  const visitRoute = (name: string): void => {
    const def = spec.routes[name];
    if (!def || seen.has(name)) return;
    seen.add(name);
    visitNode(def.strategy);
  };
  const visitNode = (node: NodeSpec): void => {
    const target = targetOf(node);
    if (target !== undefined) targets.add(target);
    else if (nodeKind(node) === 'route') visitRoute((node as { route: string }).route);
    for (const child of childrenOf(node, [])) visitNode(child.node);
  };
  visitRoute(route);
  return [...targets].sort();
}

/** Names of the routes a route refers to directly through `route:` nodes. */
export function referencedRoutes(node: NodeSpec): string[] {
  const out: string[] = [];
  const visit = (n: NodeSpec): void => {
    if (typeof n !== 'string' && 'route' in n) out.push(n.route);
    for (const child of childrenOf(n, [])) visit(child.node);
  };
  visit(node);
  return out;
}
