/** Compares two target nodes for the same model: per-attempt timeout and request params. */
import type { PlanTargetNode } from '../../../runtime/plan.ts';
import { changed, flagIf } from '../change.ts';
import { deepEqual } from '../equal.ts';
import { formatDuration } from '../format/duration.ts';
import { unionKeys } from '../format/list.ts';
import { formatValue } from '../format/value.ts';
import type { Finding } from '../types.ts';
import type { StrategyContext } from './context.ts';
import { targetKey } from './describe.ts';

/** Params that cap output tokens: raising or removing one can raise spend. */
const TOKEN_CAPS = new Set(['max_tokens', 'max_completion_tokens', 'max_output_tokens']);

function timeoutFinding(base: PlanTargetNode, head: PlanTargetNode, ctx: StrategyContext): Finding[] {
  if (base.timeoutMs === head.timeoutMs) return [];
  const route = ctx.routeTimeoutMs;
  const followsRoute = base.timeoutMs === route.before && head.timeoutMs === route.after;
  if (followsRoute) return [];
  const detail = `${ctx.prefix}${targetKey(head)} attempt timeout ${formatDuration(base.timeoutMs)} → ${formatDuration(head.timeoutMs)}`;
  return [changed(detail, { before: base.timeoutMs, after: head.timeoutMs, flags: flagIf(head.timeoutMs > base.timeoutMs, 'raises-spend') })];
}

function capLoosened(name: string, before: unknown, after: unknown): boolean {
  if (!TOKEN_CAPS.has(name) || before === undefined) return false;
  return after === undefined || (typeof before === 'number' && typeof after === 'number' && after > before);
}

function paramPhrase(before: unknown, after: unknown): string {
  if (before === undefined) return `set to ${formatValue(after)}`;
  if (after === undefined) return `removed (was ${formatValue(before)})`;
  return `${formatValue(before)} → ${formatValue(after)}`;
}

function paramFindings(base: PlanTargetNode, head: PlanTargetNode, ctx: StrategyContext): Finding[] {
  return unionKeys(base.params, head.params).flatMap((name) => {
    const before = base.params[name];
    const after = head.params[name];
    if (deepEqual(before, after)) return [];
    const detail = `${ctx.prefix}${targetKey(head)} param ${name} ${paramPhrase(before, after)}`;
    return [changed(detail, { before: before ?? null, after: after ?? null, flags: flagIf(capLoosened(name, before, after), 'raises-spend') })];
  });
}

/** Findings for one model that stays at the same place in the tree. */
export function compareTargets(base: PlanTargetNode, head: PlanTargetNode, ctx: StrategyContext): Finding[] {
  return [...timeoutFinding(base, head, ctx), ...paramFindings(base, head, ctx)];
}
