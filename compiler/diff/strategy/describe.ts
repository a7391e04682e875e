/**
 * Strategy trees in words: `fallback openai/gpt-4o-mini → anthropic/claude-3-5-haiku-latest`,
 * `loadbalance openai/gpt-4o (75%), anthropic/claude-3-5-sonnet-latest (25%)`.
 */
import type { PlanCondition, PlanNode, PlanTargetNode } from '../../../runtime/plan.ts';
import { formatPercent } from '../format/number.ts';

/** `<provider>/<model>` of a target node. */
export function targetKey(node: PlanTargetNode): string {
  return `${node.provider}/${node.model}`;
}

/** Each child's share of a loadbalance: its weight over the sum of weights. */
export function shares(children: readonly PlanNode[]): number[] {
  const total = children.reduce((sum, c) => sum + c.weight, 0);
  return children.map((c) => (total > 0 ? c.weight / total : 0));
}

/** True for nodes that print as one word (a target or an inlined route). */
function isLeaf(node: PlanNode): boolean {
  return node.kind === 'target' || node.via !== null;
}

/** A node as a child of another: composite nodes in parentheses. */
export function describeChild(node: PlanNode): string {
  return isLeaf(node) ? describeNode(node) : `(${describeNode(node)})`;
}

/** A strategy (sub)tree in one line of words. Nodes inlined from a route print as `route <name>`. */
export function describeNode(node: PlanNode): string {
  if (node.via !== null) return `route ${node.via}`;
  switch (node.kind) {
    case 'target':
      return targetKey(node);
    case 'fallback':
      return `fallback ${node.children.map(describeChild).join(' → ')}`;
    case 'loadbalance': {
      const split = shares(node.children);
      const members = node.children.map((c, i) => `${describeChild(c)} (${formatPercent(split[i] ?? 0)})`);
      return `loadbalance ${members.join(', ')}${node.sticky === 'consumer' ? ', sticky per consumer' : ''}`;
    }
    case 'conditional': {
      const branches = node.branches.map((b) => `when ${describeCondition(b.when)} → ${describeChild(b.then)}`);
      return `conditional: ${[...branches, `otherwise ${describeChild(node.default)}`].join('; ')}`;
    }
  }
}

function valuesIn(name: string, values: readonly string[]): string {
  return `${name} ${values.length === 1 ? 'is' : 'in'} ${values.join(', ')}`;
}

function entriesIn(label: string, record: Readonly<Record<string, readonly string[]>>): string[] {
  return Object.keys(record)
    .sort()
    .map((key) => valuesIn(`${label} ${key}`, record[key] ?? []));
}

/** A branch condition in words: `consumer tag tier is premium and country in DE, FR`; `always` when empty. */
export function describeCondition(when: PlanCondition): string {
  const parts = [
    ...entriesIn('header', when.header),
    ...entriesIn('metadata', when.metadata),
    ...(when.consumer.length > 0 ? [valuesIn('consumer', when.consumer)] : []),
    ...entriesIn('consumer tag', when.consumerTags),
    ...(when.country.length > 0 ? [valuesIn('country', when.country)] : []),
  ];
  return parts.length === 0 ? 'always' : parts.join(' and ');
}

/** Every `<provider>/<model>` a (sub)tree can reach, sorted and unique. */
export function targetsOf(node: PlanNode): string[] {
  const found = new Set<string>();
  const visit = (n: PlanNode): void => {
    if (n.kind === 'target') found.add(targetKey(n));
    else if (n.kind === 'conditional') [...n.branches.map((b) => b.then), n.default].forEach(visit);
    else n.children.forEach(visit);
  };
  visit(node);
  return [...found].sort();
}

/**
 * Identity keys of sibling nodes, to match them across two Plans: a target by its model, an
 * inlined route by its name, a composite by its kind; repeats get `#2`, `#3`.
 */
export function childKeys(nodes: readonly PlanNode[]): string[] {
  const seen = new Map<string, number>();
  return nodes.map((node) => {
    const base = node.via !== null ? `route ${node.via}` : node.kind === 'target' ? targetKey(node) : node.kind;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}#${count}`;
  });
}

/** The same subtree with every `via` mark cleared, to describe what an inlined route contains. */
export function withoutVia(node: PlanNode): PlanNode {
  switch (node.kind) {
    case 'target':
      return { ...node, via: null };
    case 'fallback':
    case 'loadbalance':
      return { ...node, via: null, children: node.children.map(withoutVia) };
    case 'conditional':
      return {
        ...node,
        via: null,
        branches: node.branches.map((b) => ({ when: b.when, then: withoutVia(b.then) })),
        default: withoutVia(node.default),
      };
  }
}
