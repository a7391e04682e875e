/**
 * Compares two weighted splits: members added or removed, traffic shares moved between the
 * members that stay, stickiness, and changes inside members.
 */
import type { PlanLoadbalanceNode, PlanNode } from '../../../runtime/plan.ts';
import { added, changed, flagSet, removed } from '../change.ts';
import { formatPercent } from '../format/number.ts';
import type { DiffFlag, Finding } from '../types.ts';
import { nested, newModelFlags, shiftFlags, type CompareNodes, type StrategyContext } from './context.ts';
import { describeChild, describeNode, shares } from './describe.ts';
import { matchSiblings, nodeOf, nodesOf, type MatchedSiblings } from './siblings.ts';

/** Shares of a loadbalance's members by key. */
function shareByKey(keys: readonly string[], children: readonly PlanNode[]): Map<string, number> {
  const split = shares(children);
  return new Map(keys.map((k, i) => [k, split[i] ?? 0]));
}

/** Shares among `keys` only, so adding or removing a member does not count as moving weight. */
function relativeShares(keys: readonly string[], byKey: ReadonlyMap<string, PlanNode>): Map<string, number> {
  return shareByKey(keys, nodesOf(byKey, keys));
}

const EPSILON = 1e-9;

function stickyFinding(base: PlanLoadbalanceNode, head: PlanLoadbalanceNode, ctx: StrategyContext): Finding[] {
  if (base.sticky === head.sticky) return [];
  const word = (s: PlanLoadbalanceNode['sticky']): string => (s === 'consumer' ? 'per consumer' : 'off');
  return [changed(`${ctx.prefix}loadbalance sticky ${word(base.sticky)} → ${word(head.sticky)}`, { before: base.sticky, after: head.sticky })];
}

function addedFindings(m: MatchedSiblings, head: PlanLoadbalanceNode, ctx: StrategyContext): Finding[] {
  const share = shareByKey(m.headKeys, head.children);
  const stay = nodesOf(m.headByKey, m.common);
  return m.added.map((key) => {
    const node = nodeOf(m.headByKey, key);
    const flags = flagSet(newModelFlags(ctx, node), shiftFlags(ctx, [node], stay));
    const detail = `${ctx.prefix}loadbalance member ${describeChild(node)} added (${formatPercent(share.get(key) ?? 0)})`;
    return added(detail, { after: describeNode(node), flags });
  });
}

function removedFindings(m: MatchedSiblings, base: PlanLoadbalanceNode, ctx: StrategyContext): Finding[] {
  const share = shareByKey(m.baseKeys, base.children);
  const stay = nodesOf(m.headByKey, m.common);
  return m.removed.map((key) => {
    const node = nodeOf(m.baseByKey, key);
    const detail = `${ctx.prefix}loadbalance member ${describeChild(node)} removed (was ${formatPercent(share.get(key) ?? 0)})`;
    return removed(detail, { before: describeNode(node), flags: shiftFlags(ctx, stay, [node]) });
  });
}

function weightFlags(m: MatchedSiblings, rose: readonly string[], fell: readonly string[], ctx: StrategyContext): DiffFlag[] {
  return shiftFlags(ctx, nodesOf(m.headByKey, rose), nodesOf(m.baseByKey, fell));
}

function weightFinding(m: MatchedSiblings, base: PlanLoadbalanceNode, head: PlanLoadbalanceNode, ctx: StrategyContext): Finding[] {
  const before = relativeShares(m.common, m.baseByKey);
  const after = relativeShares(m.common, m.headByKey);
  const delta = (k: string): number => (after.get(k) ?? 0) - (before.get(k) ?? 0);
  const rose = m.common.filter((k) => delta(k) > EPSILON);
  const fell = m.common.filter((k) => delta(k) < -EPSILON);
  if (rose.length === 0) return [];
  const full = { before: shareByKey(m.baseKeys, base.children), after: shareByKey(m.headKeys, head.children) };
  const moves = m.common
    .filter((k) => Math.abs(delta(k)) > EPSILON)
    .map((k) => `${describeChild(nodeOf(m.headByKey, k))} ${formatPercent(full.before.get(k) ?? 0)} → ${formatPercent(full.after.get(k) ?? 0)}`);
  const values = { before: Object.fromEntries(full.before), after: Object.fromEntries(full.after) };
  return [changed(`${ctx.prefix}loadbalance weights moved: ${moves.join(', ')}`, { ...values, flags: weightFlags(m, rose, fell, ctx) })];
}

function innerFindings(m: MatchedSiblings, ctx: StrategyContext, compare: CompareNodes): Finding[] {
  return m.common.flatMap((key) => {
    const after = nodeOf(m.headByKey, key);
    const leaf = after.kind === 'target' || after.via !== null;
    const inner = leaf ? ctx : nested(ctx, `loadbalance member ${m.headKeys.indexOf(key) + 1}`);
    return compare(nodeOf(m.baseByKey, key), after, inner);
  });
}

/** Findings between two loadbalance nodes at the same place. */
export function compareLoadbalance(
  base: PlanLoadbalanceNode,
  head: PlanLoadbalanceNode,
  ctx: StrategyContext,
  compare: CompareNodes,
): Finding[] {
  const m = matchSiblings(base.children, head.children);
  return [
    ...stickyFinding(base, head, ctx),
    ...addedFindings(m, head, ctx),
    ...removedFindings(m, base, ctx),
    ...weightFinding(m, base, head, ctx),
    ...innerFindings(m, ctx, compare),
  ];
}
