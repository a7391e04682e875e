/** Compares two strategy trees and says, in words, what changed in how a route picks models. */
import type { PlanNode } from '../../../runtime/plan.ts';
import { changed, flagSet } from '../change.ts';
import { deepEqual } from '../equal.ts';
import type { Finding } from '../types.ts';
import { compareConditional } from './conditional.ts';
import { nested, newModelFlags, shiftFlags, type StrategyContext } from './context.ts';
import { describeNode, withoutVia } from './describe.ts';
import { compareFallback } from './fallback.ts';
import { compareLoadbalance } from './loadbalance.ts';
import { compareTargets } from './target.ts';

export type { StrategyContext } from './context.ts';

/** A node's content without its weight (weights belong to the parent loadbalance). */
function sameContent(base: PlanNode, head: PlanNode): boolean {
  return deepEqual({ ...base, weight: 0 }, { ...head, weight: 0 });
}

/** The whole node was swapped for a different one. */
function replaced(base: PlanNode, head: PlanNode, ctx: StrategyContext): Finding {
  const what = ctx.prefix === '' ? (head.kind === 'target' && base.kind === 'target' ? 'target now' : 'strategy now') : 'now';
  const detail = `${ctx.prefix}${what} ${describeNode(head)} (was ${describeNode(base)})`;
  const flags = flagSet(newModelFlags(ctx, head), shiftFlags(ctx, [head], [base]));
  return changed(detail, { before: describeNode(base), after: describeNode(head), flags });
}

/**
 * Findings for two nodes inlined from another route. A changed shape (models, order, weights,
 * conditions) comes from that route and is reported there, so this route only points to it;
 * other differences (timeouts, fallback classes) follow this route's own settings and are
 * told in full.
 */
function inlined(base: PlanNode, head: PlanNode, ctx: StrategyContext): Finding[] {
  if (base.via === null || base.via !== head.via) return [replaced(base, head, ctx)];
  const via = base.via;
  const before = withoutVia(base);
  const after = withoutVia(head);
  if (describeNode(before) === describeNode(after)) return compareNodes(before, after, nested(ctx, `inlined route ${via}`));
  const values = { before: describeNode(before), after: describeNode(after) };
  return [changed(`${ctx.prefix}steps inlined from route ${via} changed (see route ${via})`, values)];
}

/** Findings between two nodes at the same place of a route's strategy tree. */
export function compareNodes(base: PlanNode, head: PlanNode, ctx: StrategyContext): Finding[] {
  if (sameContent(base, head)) return [];
  if (base.via !== null || head.via !== null) return inlined(base, head, ctx);
  if (base.kind === 'target' && head.kind === 'target') {
    return describeNode(base) === describeNode(head) ? compareTargets(base, head, ctx) : [replaced(base, head, ctx)];
  }
  if (base.kind === 'fallback' && head.kind === 'fallback') return compareFallback(base, head, ctx, compareNodes);
  if (base.kind === 'loadbalance' && head.kind === 'loadbalance') return compareLoadbalance(base, head, ctx, compareNodes);
  if (base.kind === 'conditional' && head.kind === 'conditional') return compareConditional(base, head, ctx, compareNodes);
  return [replaced(base, head, ctx)];
}
