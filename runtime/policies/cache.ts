/**
 * The exact-match response cache: whether a request may use it (route settings and the
 * client's Cache-Control / x-sluice-cache-ttl), its key (a hash of the normalized request,
 * scoped per consumer unless the route shares its cache), and entries holding exactly what
 * the client received, compressed. Store failures are misses, never errors.
 * @module
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { HeaderReader } from '../core/request.ts';
import type { JsonObject, Usage } from '../openai/types.ts';
import type { PlanConsumer, PlanRoute } from '../plan.ts';
import type { Store } from '../store/types.ts';

/** `x-sluice-cache` values. */
export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

/** What the cache may do for one request. */
export interface CachePlan {
  readonly status: 'use' | 'bypass';
  readonly read: boolean;
  readonly write: boolean;
  readonly ttlMs: number;
  readonly key: string;
  /** Generations that invalidate entries: the route's, and the consumer's when the cache is per consumer. */
  readonly generations: readonly string[];
  readonly maxBytes: number;
}

/** A cached answer: the exact text (JSON) or SSE pieces the client got, and who served it. */
export interface CachedAnswer {
  readonly kind: 'json' | 'stream';
  readonly text: string | null;
  readonly pieces: readonly string[] | null;
  readonly provider: string;
  readonly model: string;
  readonly usage: Usage | null;
}

/** Request fields that do not change the answer (streaming transport, tracing, accounting). */
const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata', 'safety_identifier', 'prompt_cache_key', 'service_tier', 'store']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The cache key of a request: route, client API, scope, stream flag, answer-changing fields and key headers. */
export function cacheKey(route: PlanRoute, api: string, consumer: PlanConsumer | null, stream: boolean, body: JsonObject, headers: HeaderReader): string {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!IGNORED.has(k)) fields[k] = v;
  const keyHeaders = route.cache.keyHeaders.map((h) => [h, headers.get(h)]);
  const scope = route.cache.scope === 'shared' ? '*' : (consumer?.name ?? '-');
  // A stream's pieces hold its usage chunk only when the client asked for one.
  const options = body.stream_options;
  const usageChunk = stream && typeof options === 'object' && options !== null && (options as Record<string, unknown>).include_usage === true;
  const text = JSON.stringify(canonical({ v: 1, route: route.name, api, scope, stream, usageChunk, fields, keyHeaders }));
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The generations an entry is written under: its route's, and for per-consumer entries its
 * consumer's and its route-and-consumer's. `sluice cache purge` raises one of them.
 */
export function cacheGenerations(route: string | null, consumer: string | null): string[] {
  if (route !== null && consumer === null) return [`route#${route}`];
  if (route === null) return [`consumer#${consumer ?? '-'}`];
  return [`route#${route}`, `consumer#${consumer}`, `route#${route}#consumer#${consumer}`];
}

/** The one generation to raise to purge a route's entries, a consumer's, or a consumer's on one route. */
export function purgeGeneration(route: string | null, consumer: string | null): string {
  if (route !== null && consumer !== null) return `route#${route}#consumer#${consumer}`;
  return route !== null ? `route#${route}` : `consumer#${consumer ?? '-'}`;
}

/** Seconds of a valid `x-sluice-cache-ttl`, else null. */
function ttlOverride(value: string | null): number | null {
  if (value === null || !/^\d{1,9}$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** What the cache may do for a request. */
export function cachePlan(route: PlanRoute, api: string, consumer: PlanConsumer | null, stream: boolean, body: JsonObject, headers: HeaderReader): CachePlan {
  const c = route.cache;
  const directives = (headers.get('cache-control') ?? '').toLowerCase();
  const noStore = /\bno-store\b/.test(directives);
  const noCache = /\bno-cache\b/.test(directives);
  const ttlS = ttlOverride(headers.get('x-sluice-cache-ttl'));
  const usable = c.enabled && (!stream || c.streaming) && !noStore;
  // A client may shorten the route's TTL, never lengthen it: how long answers are kept is the spec's call.
  const ttlMs = ttlS === null ? c.ttlMs : Math.min(ttlS * 1000, c.ttlMs);
  const generations = cacheGenerations(route.name, c.scope === 'shared' ? null : (consumer?.name ?? '-'));
  return {
    status: usable && !noCache ? 'use' : 'bypass',
    read: usable && !noCache,
    write: usable && ttlMs > 0,
    ttlMs,
    key: usable ? cacheKey(route, api, consumer, stream, body, headers) : '',
    generations,
    maxBytes: c.maxEntryKb * 1024,
  };
}

/** A lookup's result: the hit, and the generations current at lookup (an entry is written under them). */
export interface Lookup {
  readonly hit: CachedAnswer | null;
  readonly generations: readonly number[] | null;
}

/** What a lookup that reads nothing finds. */
export const NO_LOOKUP: Lookup = { hit: null, generations: null };

/** True when `lookup` would read the store: the route caches, this request may be served from it, and there is a store. */
export function needsLookup(plan: CachePlan, store: Store | null): boolean {
  return plan.read && store !== null;
}

/** Looks an entry up; any store failure, expiry or invalidation is a miss. */
export async function lookup(plan: CachePlan, store: Store | null, now: number, timeoutMs: number): Promise<Lookup> {
  if (!plan.read || store === null) return NO_LOOKUP;
  try {
    const { entry, generations } = await store.cacheGet(plan.key, plan.generations, timeoutMs);
    if (!entry || entry.expiresAt * 1000 <= now || generations.some((g, i) => (entry.generations[i] ?? 0) !== g)) return { hit: null, generations };
    return { hit: JSON.parse(gunzipSync(entry.body).toString('utf8')) as CachedAnswer, generations };
  } catch {
    return NO_LOOKUP;
  }
}

/** Stores an answer (skipped, never failing, when it is too large or the store fails). */
export async function save(plan: CachePlan, store: Store | null, answer: CachedAnswer, known: readonly number[] | null, now: number, timeoutMs: number): Promise<void> {
  if (!plan.write || store === null) return;
  try {
    const body = gzipSync(JSON.stringify(answer));
    if (body.byteLength > plan.maxBytes) return;
    // Written under the generations seen before the call: a purge meanwhile makes it stale at once.
    const generations = known ?? (await store.cacheGet(`${plan.key}#none`, plan.generations, timeoutMs)).generations;
    await store.cachePut(plan.key, { body, generations, expiresAt: Math.ceil((now + plan.ttlMs) / 1000) }, timeoutMs);
  } catch {
    console.error('sluice: a cache entry could not be stored');
  }
}
