/** Matching of sibling nodes (fallback rungs, loadbalance members) across two Plans by identity key. */
import type { PlanNode } from '../../../runtime/plan.ts';
import { childKeys } from './describe.ts';

/** Sibling lists keyed for comparison. */
export interface MatchedSiblings {
  readonly baseKeys: readonly string[];
  readonly headKeys: readonly string[];
  readonly baseByKey: ReadonlyMap<string, PlanNode>;
  readonly headByKey: ReadonlyMap<string, PlanNode>;
  /** Keys on both sides, in head order. */
  readonly common: readonly string[];
  /** Keys only in head, in head order. */
  readonly added: readonly string[];
  /** Keys only in base, in base order. */
  readonly removed: readonly string[];
}

function byKey(keys: readonly string[], nodes: readonly PlanNode[]): Map<string, PlanNode> {
  return new Map(nodes.map((node, i) => [keys[i] ?? String(i), node]));
}

/** Keys both sibling lists and sorts them into common, added and removed. */
export function matchSiblings(base: readonly PlanNode[], head: readonly PlanNode[]): MatchedSiblings {
  const baseKeys = childKeys(base);
  const headKeys = childKeys(head);
  const baseByKey = byKey(baseKeys, base);
  const headByKey = byKey(headKeys, head);
  return {
    baseKeys,
    headKeys,
    baseByKey,
    headByKey,
    common: headKeys.filter((k) => baseByKey.has(k)),
    added: headKeys.filter((k) => !baseByKey.has(k)),
    removed: baseKeys.filter((k) => !headByKey.has(k)),
  };
}

/** The node for `key`; a missing key is a bug in the caller, not a user error. */
export function nodeOf(map: ReadonlyMap<string, PlanNode>, key: string): PlanNode {
  const node = map.get(key);
  if (node === undefined) throw new Error(`internal error: no strategy node keyed "${key}"`);
  return node;
}

/** Nodes for `keys`, looked up in `map` (keys missing from it are skipped). */
export function nodesOf(map: ReadonlyMap<string, PlanNode>, keys: readonly string[]): PlanNode[] {
  return keys.flatMap((k) => {
    const node = map.get(k);
    return node === undefined ? [] : [node];
  });
}
