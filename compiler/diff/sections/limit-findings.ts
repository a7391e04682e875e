/**
 * What changed in one limit present in both Plans: amount and window, counter scope, the
 * routes and consumers it applies to, its store-error policy and algorithm.
 */
import type { LimitKind, Plan, PlanLimit, PlanScope } from '../../../runtime/plan.ts';
import { changed, flagIf } from '../change.ts';
import { deepEqual } from '../equal.ts';
import { formatList, listDelta, nounList } from '../format/list.ts';
import { formatLimitAmount, limitKindWord, limitRate } from '../format/window.ts';
import type { DiffFlag, Finding } from '../types.ts';

/** Kinds whose loosening also lets more money be spent. */
const SPEND_KINDS: ReadonlySet<LimitKind> = new Set(['requests', 'tokens', 'budget_usd']);

/** Flags of a limit that now admits more: security always, spend for request, token and budget limits. */
export function looserFlags(...kinds: LimitKind[]): DiffFlag[] {
  return kinds.some((k) => SPEND_KINDS.has(k)) ? ['loosens-security', 'raises-spend'] : ['loosens-security'];
}

/** The two Plans and the words that name the limit in messages. */
export interface LimitPair {
  readonly base: PlanLimit;
  readonly head: PlanLimit;
  readonly basePlan: Plan;
  readonly headPlan: Plan;
  /** `requests limit` under a consumer, `requests` under `limit <id>`. */
  readonly label: string;
}

function amountFindings({ base, head, label }: LimitPair): Finding[] {
  if (base.kind !== head.kind) {
    const detail = `now ${limitKindWord(head.kind)} limit ${formatLimitAmount(head)} (was ${limitKindWord(base.kind)} limit ${formatLimitAmount(base)})`;
    return [changed(detail, { before: base, after: head, flags: looserFlags(base.kind, head.kind) })];
  }
  if (base.amount === head.amount && deepEqual(base.window, head.window)) return [];
  const looser = head.amount > base.amount || limitRate(head) > limitRate(base) * (1 + 1e-12);
  const values = { before: { amount: base.amount, window: base.window }, after: { amount: head.amount, window: head.window } };
  return [changed(`${label} ${formatLimitAmount(base)} → ${formatLimitAmount(head)}`, { ...values, flags: looser ? looserFlags(head.kind) : [] })];
}

function dimension(scope: PlanScope): string {
  return scope.kind === 'header' ? `header ${scope.header}` : scope.kind === 'ip' ? 'IP' : scope.kind;
}

function dimensions(scopes: readonly PlanScope[]): string[] {
  return scopes.filter((s) => s.kind !== 'global').map(dimension);
}

/** `per consumer and route`, or `globally` (one counter shared by every caller). */
export function scopeText(scopes: readonly PlanScope[]): string {
  const dims = dimensions(scopes);
  return dims.length === 0 ? 'globally' : `per ${dims.join(' and ')}`;
}

/** More dimensions mean more counters, each admitting the full amount: the limit got looser. */
function scopeFindings({ base, head, label }: LimitPair): Finding[] {
  if (deepEqual(dimensions(base.scope), dimensions(head.scope))) return [];
  const finer = listDelta(dimensions(base.scope), dimensions(head.scope)).added.length > 0;
  const detail = `${label} counted ${scopeText(base.scope)} → ${scopeText(head.scope)}`;
  return [changed(detail, { before: base.scope, after: head.scope, flags: finer ? looserFlags(head.kind) : [] })];
}

function routesText(routes: readonly string[], plan: Plan): string {
  const all = Object.keys(plan.routes);
  return all.length > 0 && all.every((r) => routes.includes(r)) ? 'all routes' : nounList('route', 'routes', routes);
}

/** Only routes that exist in both Plans count: adding or removing a route is reported as such. */
function routeSelectorFindings({ base, head, basePlan, headPlan, label }: LimitPair): Finding[] {
  const inBoth = (r: string): boolean => basePlan.routes[r] !== undefined && headPlan.routes[r] !== undefined;
  const delta = listDelta(base.routes.filter(inBoth), head.routes.filter(inBoth));
  if (delta.added.length === 0 && delta.removed.length === 0) return [];
  const detail = `${label} now applies to ${routesText(head.routes, headPlan)} (was ${routesText(base.routes, basePlan)})`;
  return [changed(detail, { before: base.routes, after: head.routes, flags: delta.removed.length > 0 ? looserFlags(head.kind) : [] })];
}

function consumersText(consumers: readonly string[] | null): string {
  return consumers === null ? 'every caller' : consumers.length === 0 ? 'no consumer' : `consumers ${formatList(consumers)}`;
}

/** Null (every caller, anonymous ones too) narrowed to a list, or names dropped from the list, loosens. */
function consumerSelectorFindings({ base, head, basePlan, headPlan, label }: LimitPair): Finding[] {
  const inBoth = (c: string): boolean => basePlan.consumers[c] !== undefined && headPlan.consumers[c] !== undefined;
  const before = base.consumers === null ? null : base.consumers.filter(inBoth);
  const after = head.consumers === null ? null : head.consumers.filter(inBoth);
  if (deepEqual(before, after)) return [];
  const narrowed = after !== null && (before === null || listDelta(before, after).removed.length > 0);
  const detail = `${label} now applies to ${consumersText(head.consumers)} (was ${consumersText(base.consumers)})`;
  return [changed(detail, { before: base.consumers, after: head.consumers, flags: narrowed ? looserFlags(head.kind) : [] })];
}

function storeErrorFindings({ base, head, label }: LimitPair): Finding[] {
  if (base.onStoreError === head.onStoreError) return [];
  const detail = `${label} now fails ${head.onStoreError} when the store errors (was ${base.onStoreError})`;
  return [changed(detail, { before: base.onStoreError, after: head.onStoreError, flags: flagIf(head.onStoreError === 'open', 'loosens-security') })];
}

/** A fixed window admits up to twice the amount around a window boundary; a sliding one does not. */
function algorithmFindings({ base, head, label }: LimitPair): Finding[] {
  if (base.algorithm === head.algorithm) return [];
  const flags = flagIf(head.algorithm === 'fixed', 'loosens-security');
  return [changed(`${label} algorithm ${base.algorithm} → ${head.algorithm}`, { before: base.algorithm, after: head.algorithm, flags })];
}

function ownerFindings({ base, head, label }: LimitPair): Finding[] {
  if (base.owner === head.owner) return [];
  const who = (owner: string | null): string => (owner === null ? 'the gateway' : `consumer ${owner}`);
  return [changed(`${label} now declared by ${who(head.owner)} (was ${who(base.owner)})`, { before: base.owner, after: head.owner })];
}

/** Every finding for a limit present in both Plans. Counter shards are internal and not compared. */
export function limitFindings(pair: LimitPair): Finding[] {
  return [
    ...amountFindings(pair),
    ...scopeFindings(pair),
    ...routeSelectorFindings(pair),
    ...consumerSelectorFindings(pair),
    ...storeErrorFindings(pair),
    ...algorithmFindings(pair),
    ...ownerFindings(pair),
  ];
}
