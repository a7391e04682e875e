/**
 * Compares two conditional nodes: branches (matched by their condition) added, removed or
 * reordered, and changes inside a branch or the default.
 */
import type { PlanConditionalNode, PlanNode } from '../../../runtime/plan.ts';
import { added, changed, flagSet, removed } from '../change.ts';
import type { Finding } from '../types.ts';
import { nested, newModelFlags, shiftFlags, type CompareNodes, type StrategyContext } from './context.ts';
import { describeChild, describeCondition } from './describe.ts';

type Branch = PlanConditionalNode['branches'][number];

interface KeyedBranch {
  readonly key: string;
  readonly condition: string;
  readonly branch: Branch;
}

/** Branches keyed by their condition in words; a repeated condition gets `#2`. */
function keyed(node: PlanConditionalNode): KeyedBranch[] {
  const seen = new Map<string, number>();
  return node.branches.map((branch) => {
    const condition = describeCondition(branch.when);
    const count = (seen.get(condition) ?? 0) + 1;
    seen.set(condition, count);
    return { key: count === 1 ? condition : `${condition}#${count}`, condition, branch };
  });
}

/** The nodes that serve a request no earlier branch took: later branches, then the default. */
function after(branches: readonly KeyedBranch[], index: number, fallbackNode: PlanNode): PlanNode[] {
  return [...branches.slice(index + 1).map((b) => b.branch.then), fallbackNode];
}

function branchText(b: KeyedBranch): string {
  return `when ${b.condition} → ${describeChild(b.branch.then)}`;
}

function addedFindings(base: KeyedBranch[], head: KeyedBranch[], headNode: PlanConditionalNode, ctx: StrategyContext): Finding[] {
  const known = new Set(base.map((b) => b.key));
  return head.flatMap((b, i) => {
    if (known.has(b.key)) return [];
    const flags = flagSet(newModelFlags(ctx, b.branch.then), shiftFlags(ctx, [b.branch.then], after(head, i, headNode.default)));
    return [added(`${ctx.prefix}condition added: ${branchText(b)}`, { after: b.branch, flags })];
  });
}

function removedFindings(base: KeyedBranch[], head: KeyedBranch[], baseNode: PlanConditionalNode, ctx: StrategyContext): Finding[] {
  const kept = new Set(head.map((b) => b.key));
  return base.flatMap((b, i) => {
    if (kept.has(b.key)) return [];
    const flags = shiftFlags(ctx, after(base, i, baseNode.default), [b.branch.then]);
    return [removed(`${ctx.prefix}condition removed: ${branchText(b)}`, { before: b.branch, flags })];
  });
}

function reorderFinding(base: KeyedBranch[], head: KeyedBranch[], ctx: StrategyContext): Finding[] {
  const inHead = new Set(head.map((b) => b.key));
  const inBase = new Set(base.map((b) => b.key));
  const before = base.filter((b) => inHead.has(b.key)).map((b) => b.key);
  const now = head.filter((b) => inBase.has(b.key)).map((b) => b.key);
  if (before.join('\n') === now.join('\n')) return [];
  const detail = `${ctx.prefix}conditions now checked in order: ${now.join('; ')} (was ${before.join('; ')})`;
  return [changed(detail, { before, after: now })];
}

function innerFindings(base: KeyedBranch[], head: KeyedBranch[], ctx: StrategyContext, compare: CompareNodes): Finding[] {
  const byKey = new Map(base.map((b) => [b.key, b]));
  return head.flatMap((b) => {
    const was = byKey.get(b.key);
    return was === undefined ? [] : compare(was.branch.then, b.branch.then, nested(ctx, `when ${b.condition}`));
  });
}

/** Findings between two conditional nodes at the same place. */
export function compareConditional(
  base: PlanConditionalNode,
  head: PlanConditionalNode,
  ctx: StrategyContext,
  compare: CompareNodes,
): Finding[] {
  const b = keyed(base);
  const h = keyed(head);
  return [
    ...addedFindings(b, h, head, ctx),
    ...removedFindings(b, h, base, ctx),
    ...reorderFinding(b, h, ctx),
    ...innerFindings(b, h, ctx, compare),
    ...compare(base.default, head.default, nested(ctx, 'otherwise')),
  ];
}
