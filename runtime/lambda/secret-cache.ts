/** Caches secret values per execution environment: fetched once at first use, refreshed when stale. */
import type { Clock, SecretGetter } from '../core/context.ts';

/** Fetches one secret's current string value. */
export type SecretFetcher = (secretId: string) => Promise<string>;

/** A per-process secret cache. */
export interface SecretCache {
  /** The cached value, fetched on first use or when older than the cache's max age. */
  readonly get: SecretGetter;
  /** Refetches `secretId` unless the cached value is younger than `minAgeMs` (bounds calls when it is wrong). */
  refresh(secretId: string, minAgeMs: number): Promise<string>;
}

interface Entry {
  readonly value: Promise<string>;
  readonly fetchedAt: number;
}

/**
 * A {@link SecretCache} over `fetch`. A failed fetch is not cached, so the next request retries.
 * @param maxAgeMs how long a value is served before it is fetched again (rotation pick-up delay)
 */
export function createSecretCache(fetch: SecretFetcher, clock: Clock, maxAgeMs: number): SecretCache {
  const entries = new Map<string, Entry>();
  const load = (secretId: string): Promise<string> => {
    const value = fetch(secretId);
    entries.set(secretId, { value, fetchedAt: clock.now() });
    value.catch(() => {
      if (entries.get(secretId)?.value === value) entries.delete(secretId);
    });
    return value;
  };
  const ageOf = (entry: Entry): number => clock.now() - entry.fetchedAt;
  return {
    get: (secretId) => {
      const entry = entries.get(secretId);
      return entry && ageOf(entry) < maxAgeMs ? entry.value : load(secretId);
    },
    refresh: (secretId, minAgeMs) => {
      const entry = entries.get(secretId);
      return entry && ageOf(entry) < minAgeMs ? entry.value : load(secretId);
    },
  };
}
