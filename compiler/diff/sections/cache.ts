/** Cache section: per route, the response cache turned on or off, its TTL, scope and key. */
import type { Plan, PlanCache } from '../../../runtime/plan.ts';
import { added, changed, flagIf, removed, toChanges } from '../change.ts';
import { diffFields, field, togglePhrase } from '../fields.ts';
import { formatDuration } from '../format/duration.ts';
import { listDelta, nounList, unionKeys } from '../format/list.ts';
import { whenLater, whenLowered } from '../rules.ts';
import type { Change, Finding } from '../types.ts';

function scopeText(scope: PlanCache['scope']): string {
  return scope === 'shared' ? 'shared by all consumers' : 'per consumer';
}

function summary(cache: PlanCache): string {
  return `${formatDuration(cache.ttlMs)}, ${scopeText(cache.scope)}`;
}

const CACHE_FIELDS = [
  field({ label: 'cache TTL', get: (c: PlanCache) => c.ttlMs, format: formatDuration, flags: whenLowered('raises-spend') }),
  field({
    label: 'cache scope',
    get: (c: PlanCache) => c.scope,
    format: scopeText,
    flags: whenLater<PlanCache['scope']>(['consumer', 'shared'], 'loosens-security'),
  }),
  field({ label: 'cache of streamed responses', get: (c: PlanCache) => c.streaming, phrase: togglePhrase('cache of streamed responses') }),
  field({ label: 'cache max entry', get: (c: PlanCache) => c.maxEntryKb, format: (kb) => `${kb} KB`, flags: whenLowered('raises-spend') }),
];

/** Fewer key headers: requests that differ only in that header now share entries. */
function keyHeaderFindings(base: PlanCache, head: PlanCache): Finding[] {
  const delta = listDelta(base.keyHeaders, head.keyHeaders);
  return [
    ...(delta.added.length > 0 ? [added(`cache key now also includes ${nounList('header', 'headers', delta.added)}`, { after: delta.added })] : []),
    ...(delta.removed.length > 0
      ? [removed(`cache key no longer includes ${nounList('header', 'headers', delta.removed)}`, { before: delta.removed, flags: ['loosens-security'] })]
      : []),
  ];
}

function cacheFindings(base: PlanCache, head: PlanCache): Finding[] {
  if (!base.enabled && !head.enabled) return [];
  if (base.enabled && !head.enabled) return [changed(`cache turned off (was ${summary(base)})`, { before: base, after: head, flags: ['raises-spend'] })];
  if (!base.enabled) {
    return [changed(`cache turned on (${summary(head)})`, { before: base, after: head, flags: flagIf(head.scope === 'shared', 'loosens-security') })];
  }
  return [...diffFields(base, head, CACHE_FIELDS), ...keyHeaderFindings(base, head)];
}

/**
 * Cache changes of routes present in both Plans (a new route's cache is part of its addition).
 * Less caching raises spend; sharing entries across consumers, or across values of a dropped
 * key header, loosens security.
 */
export function diffCache(base: Plan, head: Plan): Change[] {
  return unionKeys(base.routes, head.routes).flatMap((name) => {
    const b = base.routes[name];
    const h = head.routes[name];
    return b === undefined || h === undefined ? [] : toChanges('cache', `route ${name}`, cacheFindings(b.cache, h.cache));
  });
}
