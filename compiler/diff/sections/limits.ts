/**
 * Limits section. Limits match by `id`; limits left over pair up when exactly one on each side
 * has the same owner and kind (a derived id may change with the window). A limit a consumer
 * declares is described under that consumer: `consumer team-search: requests limit 600/min → 1200/min`.
 */
import type { Plan, PlanLimit } from '../../../runtime/plan.ts';
import { added, removed, toChanges } from '../change.ts';
import { formatLimitAmount, limitKindWord } from '../format/window.ts';
import type { Change, Finding } from '../types.ts';
import { limitFindings, looserFlags } from './limit-findings.ts';

function subjectOf(limit: PlanLimit): string {
  return limit.owner !== null ? `consumer ${limit.owner}` : `limit ${limit.id}`;
}

/** Several limits of one kind under one consumer are told apart by their id. */
function labelOf(limit: PlanLimit, base: Plan, head: Plan): string {
  if (limit.owner === null) return limitKindWord(limit.kind);
  const siblings = (plan: Plan): number => plan.limits.filter((l) => l.owner === limit.owner && l.kind === limit.kind).length;
  const name = siblings(base) > 1 || siblings(head) > 1 ? ` "${limit.id}"` : '';
  return `${limitKindWord(limit.kind)} limit${name}`;
}

/** Limits a consumer added or removed with it are part of that consumer's line, not repeated here. */
function comesWithConsumer(limit: PlanLimit, other: Plan): boolean {
  return limit.owner !== null && other.consumers[limit.owner] === undefined;
}

interface Matching {
  readonly pairs: (readonly [PlanLimit, PlanLimit])[];
  readonly added: PlanLimit[];
  readonly removed: PlanLimit[];
}

function groupKey(limit: PlanLimit): string {
  return `${limit.owner ?? ''}\n${limit.kind}`;
}

/** Pairs leftovers that are alone in their (owner, kind) group on both sides. */
function pairLeftovers(base: PlanLimit[], head: PlanLimit[]): Matching {
  const count = (list: PlanLimit[], key: string): number => list.filter((l) => groupKey(l) === key).length;
  const pairs: (readonly [PlanLimit, PlanLimit])[] = [];
  const lone = (l: PlanLimit, list: PlanLimit[]): boolean => count(list, groupKey(l)) === 1;
  for (const h of head) {
    const b = base.find((x) => groupKey(x) === groupKey(h));
    if (b !== undefined && lone(b, base) && lone(h, head)) pairs.push([b, h]);
  }
  const paired = new Set(pairs.flat());
  return { pairs, added: head.filter((l) => !paired.has(l)), removed: base.filter((l) => !paired.has(l)) };
}

function match(base: Plan, head: Plan): Matching {
  const baseById = new Map(base.limits.map((l) => [l.id, l]));
  const headIds = new Set(head.limits.map((l) => l.id));
  const pairs = head.limits.flatMap((h) => {
    const b = baseById.get(h.id);
    return b === undefined ? [] : [[b, h] as const];
  });
  const leftovers = pairLeftovers(
    base.limits.filter((l) => !headIds.has(l.id) && !comesWithConsumer(l, head)),
    head.limits.filter((l) => !baseById.has(l.id) && !comesWithConsumer(l, base)),
  );
  return { ...leftovers, pairs: [...pairs, ...leftovers.pairs] };
}

function addedLimit(limit: PlanLimit, base: Plan, head: Plan): Change[] {
  const finding = added(`${labelOf(limit, base, head)} ${formatLimitAmount(limit)} added`, { after: limit });
  return toChanges('limits', subjectOf(limit), [finding]);
}

/** A limit removed lets more through: security always, spend for request, token and budget limits. */
function removedLimit(limit: PlanLimit, base: Plan, head: Plan): Change[] {
  const finding: Finding = removed(`${labelOf(limit, base, head)} ${formatLimitAmount(limit)} removed`, {
    before: limit,
    flags: looserFlags(limit.kind),
  });
  return toChanges('limits', subjectOf(limit), [finding]);
}

/**
 * Limit changes. Removing a limit, raising it (amount or rate), counting it per more
 * dimensions, applying it to fewer existing routes or consumers, failing open on store errors
 * and switching to a fixed window loosen security; for request, token and budget limits the
 * loosening ones also raise spend.
 */
export function diffLimits(base: Plan, head: Plan): Change[] {
  const m = match(base, head);
  const pairs = m.pairs.flatMap(([b, h]) =>
    toChanges('limits', subjectOf(h), limitFindings({ base: b, head: h, basePlan: base, headPlan: head, label: labelOf(h, base, head) })),
  );
  return [...pairs, ...m.added.flatMap((l) => addedLimit(l, base, head)), ...m.removed.flatMap((l) => removedLimit(l, base, head))];
}
