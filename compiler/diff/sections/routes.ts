/** Routes section: routes added or removed, aliases, retries, timeouts and strategy trees. */
import type { Plan, PlanRoute } from '../../../runtime/plan.ts';
import { added, removed, toChanges } from '../change.ts';
import { diffFields, field } from '../fields.ts';
import { formatDuration } from '../format/duration.ts';
import { formatList, listDelta, unionKeys } from '../format/list.ts';
import { whenRaised } from '../rules.ts';
import { priceBook, type PriceBook } from '../spend.ts';
import { compareNodes } from '../strategy/compare.ts';
import { describeNode } from '../strategy/describe.ts';
import type { Change, Finding } from '../types.ts';

function backoffText(b: PlanRoute['retry']['backoff']): string {
  return `${formatDuration(b.initialMs)} ×${b.multiplier} up to ${formatDuration(b.maxMs)}`;
}

/** Retry classes added mean more attempts. */
function classesAdded(before: readonly unknown[], after: readonly unknown[]): boolean {
  return listDelta(before.map(String), after.map(String)).added.length > 0;
}

const ROUTE_FIELDS = [
  field({ label: 'type', get: (r: PlanRoute) => r.type }),
  field({ label: 'retry attempts', get: (r: PlanRoute) => r.retry.attempts, flags: whenRaised('raises-spend') }),
  field({
    label: 'retry on',
    get: (r: PlanRoute) => r.retry.on.map(String),
    flags: (b, a) => (classesAdded(b, a) ? ['raises-spend'] : []),
  }),
  field({ label: 'retry backoff', get: (r: PlanRoute) => r.retry.backoff, format: backoffText }),
  field({ label: 'attempt timeout', get: (r: PlanRoute) => r.timeoutMs, format: formatDuration, flags: whenRaised('raises-spend') }),
  field({ label: 'first-token timeout', get: (r: PlanRoute) => r.firstTokenTimeoutMs, format: formatDuration, flags: whenRaised('raises-spend') }),
  field({ label: 'deadline', get: (r: PlanRoute) => r.deadlineMs, format: formatDuration, flags: whenRaised('raises-spend') }),
];

function aliasFindings(base: PlanRoute, head: PlanRoute): Finding[] {
  const delta = listDelta(base.aliases, head.aliases);
  return [
    ...delta.added.map((a) => added(`alias "${a}" added`, { after: a })),
    ...delta.removed.map((a) => removed(`alias "${a}" removed`, { before: a })),
  ];
}

function strategyFindings(base: PlanRoute, head: PlanRoute, book: PriceBook): Finding[] {
  const ctx = { book, reachedBefore: base.targets, routeTimeoutMs: { before: base.timeoutMs, after: head.timeoutMs }, prefix: '' };
  return compareNodes(base.strategy, head.strategy, ctx);
}

function addedRoute(route: PlanRoute): Finding {
  const kind = route.type === 'embeddings' ? ' (embeddings)' : '';
  const aliases = route.aliases.length > 0 ? `; aliases ${formatList(route.aliases)}` : '';
  return added(`added${kind}: ${describeNode(route.strategy)}${aliases}`, { after: describeNode(route.strategy), flags: ['raises-spend'] });
}

function routeFindings(base: PlanRoute | undefined, head: PlanRoute | undefined, book: PriceBook): Finding[] {
  if (base === undefined) return head === undefined ? [] : [addedRoute(head)];
  if (head === undefined) return [removed('removed', { before: describeNode(base.strategy) })];
  return [...diffFields(base, head, ROUTE_FIELDS), ...aliasFindings(base, head), ...strategyFindings(base, head, book)];
}

/**
 * Route changes. A new route raises spend (a new way to call models); retries, timeouts and
 * deadlines raised raise spend; strategy changes are flagged by the price rules in `spend.ts`.
 */
export function diffRoutes(base: Plan, head: Plan): Change[] {
  const book = priceBook(base, head);
  return unionKeys(base.routes, head.routes).flatMap((name) =>
    toChanges('routes', `route ${name}`, routeFindings(base.routes[name], head.routes[name], book)),
  );
}
