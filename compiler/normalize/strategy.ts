/**
 * Strategy trees in Plan form: string targets expanded, `route:` references inlined,
 * every target's timeout resolved, every fallback's failure list filled in.
 * @module
 */
import type { FailureClass, PlanCondition, PlanNode } from '../../runtime/plan.ts';
import { ms } from '../duration.ts';
import { nodeKind, splitTarget, type ConditionSpec, type FailureClassSpec, type NodeSpec, type Spec, type StringOrList } from '../spec.ts';

/** What a node needs from the route that holds it. */
export interface StrategyScope {
  readonly spec: Spec;
  readonly routeTimeoutMs: number;
  readonly fallbackOn: readonly FailureClass[];
}

/** Failure classes deduplicated and in a stable order: statuses ascending, then names. */
export function failureClasses(list: readonly FailureClassSpec[]): FailureClass[] {
  const nums = [...new Set(list.filter((x): x is number => typeof x === 'number'))].sort((a, b) => a - b);
  const names = [...new Set(list.filter((x): x is string => typeof x === 'string'))].sort();
  return [...nums, ...(names as FailureClass[])];
}

/** Normalizes one node; `via` names the route it was inlined from. */
export function normalizeNode(node: NodeSpec, scope: StrategyScope, via: string | null = null): PlanNode {
  const weight = typeof node === 'string' ? 1 : (node.weight ?? 1);
  if (typeof node === 'string' || 'target' in node) {
    const target = typeof node === 'string' ? node : node.target;
    const { provider, model } = splitTarget(target);
    const own = typeof node === 'string' ? undefined : node.timeout;
    const providerTimeout = scope.spec.providers[provider]?.timeout;
    const timeoutMs = own !== undefined ? ms(own) : providerTimeout !== undefined ? ms(providerTimeout) : scope.routeTimeoutMs;
    const params = typeof node === 'string' ? {} : { ...(node.params ?? {}) };
    return { kind: 'target', provider, model, params, timeoutMs, weight, via };
  }
  switch (nodeKind(node)) {
    case 'fallback': {
      const n = node as Extract<NodeSpec, { fallback: unknown }>;
      const on = n.on ? failureClasses(n.on) : [...scope.fallbackOn];
      return { kind: 'fallback', on, children: n.fallback.map((c) => normalizeNode(c, scope)), weight, via };
    }
    case 'loadbalance': {
      const n = node as Extract<NodeSpec, { loadbalance: unknown }>;
      return { kind: 'loadbalance', sticky: n.sticky ?? 'none', children: n.loadbalance.map((c) => normalizeNode(c, scope)), weight, via };
    }
    case 'conditional': {
      const n = node as Extract<NodeSpec, { conditional: unknown }>;
      const branches = n.conditional.map((b) => ({ when: condition(b.when), then: normalizeNode(b.then, scope) }));
      return { kind: 'conditional', branches, default: normalizeNode(n.default, scope), weight, via };
    }
    default: {
      const name = (node as { route: string }).route;
      const inlined = normalizeNode(scope.spec.routes[name]!.strategy, scope, name);
      return { ...inlined, weight, via: name };
    }
  }
}

function list(v: StringOrList): string[] {
  return typeof v === 'string' ? [v] : [...v];
}

function listMap(m: Readonly<Record<string, StringOrList>> | undefined, lowerKeys = false): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(m ?? {})) out[lowerKeys ? k.toLowerCase() : k] = list(v);
  return out;
}

function condition(c: ConditionSpec): PlanCondition {
  return {
    header: listMap(c.header, true),
    metadata: listMap(c.metadata),
    consumer: [...(c.consumer ?? [])],
    consumerTags: listMap(c.consumer_tags),
    country: [...(c.country ?? [])],
  };
}
