/**
 * Routes in Plan form: route defaults applied, retry and cache resolved, strategy
 * normalized, reachable targets listed.
 * @module
 */
import type { PlanCache, PlanRetry, PlanRoute } from '../../runtime/plan.ts';
import { ms } from '../duration.ts';
import { reachableTargets } from '../reach.ts';
import type { CacheSpec, RetrySpec, RouteSpec, Spec } from '../spec.ts';
import { merge } from '../stage.ts';
import { CACHE_DEFAULTS, ROUTE_DEFAULTS } from './defaults.ts';
import { failureClasses, normalizeNode } from './strategy.ts';

function retry(spec: Spec, own: RetrySpec | undefined): PlanRetry {
  const r = merge(merge(ROUTE_DEFAULTS.retry as RetrySpec, spec.route_defaults?.retry), own);
  return {
    attempts: r.attempts!,
    on: failureClasses(r.on!),
    backoff: { initialMs: ms(r.backoff!.initial!), maxMs: ms(r.backoff!.max!), multiplier: r.backoff!.multiplier! },
  };
}

/** The cache of a route: the top-level section, then the route's own switch or overrides. */
export function routeCache(top: CacheSpec | undefined, own: boolean | CacheSpec | undefined, type: RouteSpec['type']): PlanCache {
  let c: CacheSpec = { ...CACHE_DEFAULTS, enabled: top !== undefined, ...(top ?? {}) };
  if (top !== undefined && top.enabled === undefined) c = { ...c, enabled: true };
  if (typeof own === 'boolean') c = { ...c, enabled: own };
  else if (own !== undefined) c = { ...c, ...own, enabled: own.enabled ?? true };
  return {
    enabled: c.enabled!,
    ttlMs: ms(c.ttl!),
    scope: c.scope!,
    streaming: type === 'embeddings' ? false : c.streaming!,
    keyHeaders: [...(c.key_headers ?? [])].map((h) => h.toLowerCase()).sort(),
    maxEntryKb: c.max_entry_kb!,
  };
}

function route(spec: Spec, name: string, r: RouteSpec): PlanRoute {
  const d = spec.route_defaults ?? {};
  const timeoutMs = ms(r.timeout ?? d.timeout ?? ROUTE_DEFAULTS.timeout);
  const fallbackOn = failureClasses(d.fallback_on ?? ROUTE_DEFAULTS.fallback_on);
  const type = r.type ?? 'chat';
  return {
    name,
    type,
    aliases: [...(r.aliases ?? [name])],
    strategy: normalizeNode(r.strategy, { spec, routeTimeoutMs: timeoutMs, fallbackOn }),
    retry: retry(spec, r.retry),
    timeoutMs,
    firstTokenTimeoutMs: ms(r.first_token_timeout ?? d.first_token_timeout ?? ROUTE_DEFAULTS.first_token_timeout),
    deadlineMs: ms(r.deadline ?? d.deadline ?? ROUTE_DEFAULTS.deadline),
    cache: routeCache(spec.cache, r.cache, type),
    targets: reachableTargets(spec, name),
  };
}

/** All routes by name, and the alias → route map. */
export function normalizeRoutes(spec: Spec): { routes: Record<string, PlanRoute>; aliases: Record<string, string> } {
  const routes: Record<string, PlanRoute> = {};
  const aliases: Record<string, string> = {};
  for (const [name, r] of Object.entries(spec.routes)) {
    routes[name] = route(spec, name, r);
    for (const alias of routes[name].aliases) aliases[alias] = name;
  }
  return { routes, aliases };
}
