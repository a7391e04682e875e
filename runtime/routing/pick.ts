/**
 * Choosing inside a strategy tree: which branch of a conditional matches the request, and
 * which child of a loadbalance serves it (by weight, sticky per consumer when asked,
 * skipping children whose every target has an open circuit breaker).
 * @module
 */
import type { PlanCondition, PlanConsumer, PlanLoadbalanceNode, PlanNode } from '../plan.ts';
import type { BreakerBoard } from './breaker.ts';
import type { RequestFacts } from './call.ts';

function oneOf(value: string | null | undefined, allowed: readonly string[]): boolean {
  return value !== null && value !== undefined && allowed.includes(value);
}

/** True when every test of the condition holds for the request. */
export function conditionHolds(when: PlanCondition, facts: RequestFacts, consumer: PlanConsumer | null): boolean {
  for (const [name, values] of Object.entries(when.header)) if (!oneOf(facts.headers.get(name), values)) return false;
  for (const [key, values] of Object.entries(when.metadata)) if (!oneOf(facts.metadata[key], values)) return false;
  if (when.consumer.length > 0 && !oneOf(consumer?.name, when.consumer)) return false;
  for (const [tag, values] of Object.entries(when.consumerTags)) if (!oneOf(consumer?.tags[tag], values)) return false;
  if (when.country.length > 0 && !oneOf(facts.country, when.country)) return false;
  return true;
}

const targetKeys = new WeakMap<PlanNode, readonly string[]>();

/** `provider/model` of every target under a node. */
export function targetsUnder(node: PlanNode): readonly string[] {
  let keys = targetKeys.get(node);
  if (!keys) {
    if (node.kind === 'target') keys = [`${node.provider}/${node.model}`];
    else if (node.kind === 'conditional') keys = [...node.branches.flatMap((b) => targetsUnder(b.then)), ...targetsUnder(node.default)];
    else keys = node.children.flatMap(targetsUnder);
    targetKeys.set(node, keys);
  }
  return keys;
}

/** FNV-1a, for sticky choices that every instance makes the same way. */
function hash32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function byWeight(children: readonly PlanNode[], point: number): PlanNode {
  const total = children.reduce((sum, c) => sum + c.weight, 0);
  let at = point * total;
  for (const child of children) {
    at -= child.weight;
    if (at < 0) return child;
  }
  return children[children.length - 1]!;
}

/** The child of a loadbalance that serves this request. `where` identifies the node across instances. */
export function pickChild(node: PlanLoadbalanceNode, where: string, consumer: PlanConsumer | null, breakers: BreakerBoard, now: number, random: () => number): PlanNode {
  const healthy = node.children.filter((c) => targetsUnder(c).some((key) => breakers.available(key, now)));
  if (node.sticky === 'consumer' && consumer !== null) {
    const chosen = byWeight(node.children, hash32(`${consumer.name}@${where}`) / 2 ** 32);
    if (healthy.includes(chosen)) return chosen;
  }
  return byWeight(healthy.length > 0 ? healthy : node.children, random());
}
