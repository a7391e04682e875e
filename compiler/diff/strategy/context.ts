/** What strategy comparisons need to know about the route around the nodes they compare. */
import type { PlanNode } from '../../../runtime/plan.ts';
import { flagIf } from '../change.ts';
import { addsCostlierModel, shiftCanRaiseSpend, type PriceBook } from '../spend.ts';
import type { DiffFlag, Finding } from '../types.ts';
import { targetsOf } from './describe.ts';

/** The route-level facts a node comparison reads, and where its words go. */
export interface StrategyContext {
  readonly book: PriceBook;
  /** Every target the route reached in the base Plan. */
  readonly reachedBefore: readonly string[];
  /** Route-level per-attempt timeouts; target timeouts that merely follow them are not repeated. */
  readonly routeTimeoutMs: { readonly before: number; readonly after: number };
  /** Prefix of every detail, locating the node: `` (root), `otherwise: `, `fallback rung 2: `. */
  readonly prefix: string;
}

/** Compares two nodes at the same place in a tree (the entry point, passed down to avoid import cycles). */
export type CompareNodes = (base: PlanNode, head: PlanNode, ctx: StrategyContext) => Finding[];

/** The same context, one level deeper. */
export function nested(ctx: StrategyContext, label: string): StrategyContext {
  return { ...ctx, prefix: `${ctx.prefix}${label}: ` };
}

/** `raises-spend` when a node new to this place brings a costlier model to the route. */
export function newModelFlags(ctx: StrategyContext, node: PlanNode): DiffFlag[] {
  return flagIf(addsCostlierModel(ctx.book, ctx.reachedBefore, targetsOf(node)), 'raises-spend');
}

/** `raises-spend` when traffic moves from `losers` to `gainers` and that can cost more. */
export function shiftFlags(ctx: StrategyContext, gainers: readonly PlanNode[], losers: readonly PlanNode[]): DiffFlag[] {
  const gainTargets = [...new Set(gainers.flatMap(targetsOf))];
  return flagIf(shiftCanRaiseSpend(ctx.book, gainTargets, losers.map(targetsOf)), 'raises-spend');
}
