/** Consumers section: consumers added or removed, their keys, the routes they may call, and tags. */
import type { Plan, PlanConsumer, PlanLimit } from '../../../runtime/plan.ts';
import { added, changed, removed, toChanges } from '../change.ts';
import { formatList, listDelta, nounList, unionKeys } from '../format/list.ts';
import { formatLimitAmount, limitKindWord } from '../format/window.ts';
import type { Change, Finding } from '../types.ts';
import { diffKeys } from './keys.ts';

function ownLimits(plan: Plan, consumer: string): PlanLimit[] {
  return plan.limits.filter((l) => l.owner === consumer);
}

function addedConsumer(consumer: PlanConsumer, limits: readonly PlanLimit[]): Finding {
  const keys = `${consumer.keys.length} ${consumer.keys.length === 1 ? 'key' : 'keys'}`;
  const routes = nounList('route', 'routes', consumer.routes);
  const own = limits.length === 0 ? 'no limits of its own' : `limits ${formatList(limits.map((l) => `${limitKindWord(l.kind)} ${formatLimitAmount(l)}`))}`;
  return added(`added (${keys}; ${routes}; ${own})`, { after: { keys: consumer.keys.length, routes: consumer.routes }, flags: ['loosens-security'] });
}

/** Route grants; routes that no longer exist are not reported as withdrawn (their removal says it). */
function routeFindings(base: PlanConsumer, head: PlanConsumer, headPlan: Plan): Finding[] {
  const delta = listDelta(base.routes, head.routes);
  const withdrawn = delta.removed.filter((r) => headPlan.routes[r] !== undefined);
  return [
    ...(delta.added.length > 0
      ? [added(`granted ${nounList('route', 'routes', delta.added)}`, { after: delta.added, flags: ['loosens-security'] })]
      : []),
    ...(withdrawn.length > 0 ? [removed(`no longer granted ${nounList('route', 'routes', withdrawn)}`, { before: withdrawn })] : []),
  ];
}

function tagFindings(base: PlanConsumer, head: PlanConsumer): Finding[] {
  return unionKeys(base.tags, head.tags).flatMap((tag) => {
    const before = base.tags[tag];
    const after = head.tags[tag];
    if (before === after) return [];
    if (before === undefined) return [added(`tag ${tag}=${after ?? ''} added`, { after })];
    if (after === undefined) return [removed(`tag ${tag}=${before} removed`, { before })];
    return [changed(`tag ${tag} ${before} → ${after}`, { before, after })];
  });
}

function consumerFindings(name: string, base: Plan, head: Plan): Finding[] {
  const b = base.consumers[name];
  const h = head.consumers[name];
  if (b === undefined) return h === undefined ? [] : [addedConsumer(h, ownLimits(head, name))];
  if (h === undefined) return [removed('removed', { before: { keys: b.keys.length, routes: b.routes } })];
  return [...diffKeys(b.keys, h.keys), ...routeFindings(b, h, head), ...tagFindings(b, h)];
}

/**
 * Consumer changes. A new consumer, a new key, a key's expiry removed or extended, and routes
 * granted all loosen security. Limits a consumer declares are compared in the limits section.
 */
export function diffConsumers(base: Plan, head: Plan): Change[] {
  return unionKeys(base.consumers, head.consumers).flatMap((name) => toChanges('consumers', `consumer ${name}`, consumerFindings(name, base, head)));
}
