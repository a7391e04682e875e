/**
 * Compares two fallback ladders: rungs added, removed and reordered, where the ladder now
 * ends, the failure classes that move down it, and changes inside rungs that stay.
 */
import type { PlanFallbackNode, PlanNode } from '../../../runtime/plan.ts';
import { added, changed, flagIf, flagSet, removed } from '../change.ts';
import { formatList, listDelta } from '../format/list.ts';
import type { DiffFlag, Finding } from '../types.ts';
import { nested, newModelFlags, shiftFlags, type CompareNodes, type StrategyContext } from './context.ts';
import { describeChild, describeNode } from './describe.ts';
import { matchSiblings, nodeOf, nodesOf, type MatchedSiblings } from './siblings.ts';

/** A rung as text in a sentence. */
function rung(node: PlanNode): string {
  return describeChild(node);
}

function ladder(nodes: readonly PlanNode[]): string {
  return nodes.map(rung).join(' → ');
}

function onFinding(base: PlanFallbackNode, head: PlanFallbackNode, ctx: StrategyContext): Finding[] {
  const before = base.on.map(String);
  const after = head.on.map(String);
  const delta = listDelta(before, after);
  if (delta.added.length === 0 && delta.removed.length === 0) return [];
  const detail = `${ctx.prefix}fallback on ${formatList(before)} → ${formatList(after)}`;
  return [changed(detail, { before: base.on, after: head.on, flags: flagIf(delta.added.length > 0, 'raises-spend') })];
}

/** Flags of a rung inserted at `key`: a costlier new model, or cheaper rungs now tried later. */
function addedRungFlags(m: MatchedSiblings, key: string, ctx: StrategyContext): DiffFlag[] {
  const node = nodeOf(m.headByKey, key);
  const later = m.headKeys.slice(m.headKeys.indexOf(key) + 1).filter((k) => m.baseByKey.has(k));
  return flagSet(newModelFlags(ctx, node), shiftFlags(ctx, [node], nodesOf(m.headByKey, later)));
}

/** Flags of a removed rung: the rungs after it now take its traffic. */
function removedRungFlags(m: MatchedSiblings, key: string, ctx: StrategyContext): DiffFlag[] {
  const later = m.baseKeys.slice(m.baseKeys.indexOf(key) + 1).filter((k) => m.headByKey.has(k));
  return shiftFlags(ctx, nodesOf(m.headByKey, later), nodesOf(m.baseByKey, [key]));
}

function endFinding(m: MatchedSiblings, ctx: StrategyContext): Finding[] {
  const oldEnd = m.baseKeys.at(-1);
  const newEnd = m.headKeys.at(-1);
  if (oldEnd === undefined || newEnd === undefined || oldEnd === newEnd) return [];
  if (m.baseByKey.has(newEnd) && m.headByKey.has(oldEnd)) return []; // a pure reorder says it
  const before = nodeOf(m.baseByKey, oldEnd);
  const after = nodeOf(m.headByKey, newEnd);
  const flags = m.baseByKey.has(newEnd) ? [] : addedRungFlags(m, newEnd, ctx);
  const detail = `${ctx.prefix}fallback now ends at ${rung(after)} (was ${rung(before)})`;
  return [changed(detail, { before: describeNode(before), after: describeNode(after), flags })];
}

function addedFindings(m: MatchedSiblings, ctx: StrategyContext): Finding[] {
  const newEnd = m.headKeys.at(-1);
  return m.added
    .filter((key) => key !== newEnd || m.baseKeys.length === 0)
    .map((key) => {
      const node = nodeOf(m.headByKey, key);
      const position = `rung ${m.headKeys.indexOf(key) + 1} of ${m.headKeys.length}`;
      const detail = `${ctx.prefix}fallback rung ${rung(node)} added as ${position}`;
      return added(detail, { after: describeNode(node), flags: addedRungFlags(m, key, ctx) });
    });
}

function removedFindings(m: MatchedSiblings, ctx: StrategyContext): Finding[] {
  const oldEnd = m.baseKeys.at(-1);
  return m.removed
    .filter((key) => key !== oldEnd || m.headKeys.length === 0)
    .map((key) => {
      const node = nodeOf(m.baseByKey, key);
      const detail = `${ctx.prefix}fallback rung ${rung(node)} removed`;
      return removed(detail, { before: describeNode(node), flags: removedRungFlags(m, key, ctx) });
    });
}

/** Rungs now tried before a rung they used to follow can raise spend if they cost more. */
function reorderFlags(m: MatchedSiblings, baseOrder: readonly string[], ctx: StrategyContext): DiffFlag[] {
  const flags = m.common.flatMap((key, headIndex) => {
    const overtaken = baseOrder.slice(0, baseOrder.indexOf(key)).filter((k) => m.common.indexOf(k) > headIndex);
    return overtaken.length === 0 ? [] : shiftFlags(ctx, nodesOf(m.headByKey, [key]), nodesOf(m.baseByKey, overtaken));
  });
  return flagSet(flags);
}

function reorderFinding(base: PlanFallbackNode, head: PlanFallbackNode, m: MatchedSiblings, ctx: StrategyContext): Finding[] {
  const baseOrder = m.baseKeys.filter((k) => m.headByKey.has(k));
  if (baseOrder.join('\n') === m.common.join('\n')) return [];
  const detail = `${ctx.prefix}fallback reordered: ${ladder(head.children)} (was ${ladder(base.children)})`;
  return [changed(detail, { before: baseOrder, after: m.common, flags: reorderFlags(m, baseOrder, ctx) })];
}

function innerFindings(m: MatchedSiblings, ctx: StrategyContext, compare: CompareNodes): Finding[] {
  return m.common.flatMap((key) => {
    const before = nodeOf(m.baseByKey, key);
    const after = nodeOf(m.headByKey, key);
    const leaf = after.kind === 'target' || after.via !== null;
    const inner = leaf ? ctx : nested(ctx, `fallback rung ${m.headKeys.indexOf(key) + 1}`);
    return compare(before, after, inner);
  });
}

/** Findings between two fallback nodes at the same place. */
export function compareFallback(base: PlanFallbackNode, head: PlanFallbackNode, ctx: StrategyContext, compare: CompareNodes): Finding[] {
  const m = matchSiblings(base.children, head.children);
  return [
    ...onFinding(base, head, ctx),
    ...endFinding(m, ctx),
    ...addedFindings(m, ctx),
    ...removedFindings(m, ctx),
    ...reorderFinding(base, head, m, ctx),
    ...innerFindings(m, ctx, compare),
  ];
}
