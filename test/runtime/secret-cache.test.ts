/** The per-environment secret cache: one fetch per secret, refresh on age, failures not cached. */
import { describe, expect, it } from 'vitest';
import { createSecretCache } from '../../runtime/lambda/secret-cache.ts';

function setup(values: Record<string, string[]>) {
  let now = 0;
  const calls: string[] = [];
  const fetch = async (id: string): Promise<string> => {
    calls.push(id);
    const next = values[id]?.shift();
    if (next === undefined) throw new Error(`no value for ${id}`);
    return next;
  };
  const cache = createSecretCache(fetch, { now: () => now }, 1000);
  return { cache, calls, advance: (ms: number) => (now += ms) };
}

describe('createSecretCache', () => {
  it('fetches a secret once and serves it until it is older than the max age', async () => {
    const { cache, calls, advance } = setup({ a: ['one', 'two'] });
    expect(await Promise.all([cache.get('a'), cache.get('a')])).toEqual(['one', 'one']);
    advance(999);
    expect(await cache.get('a')).toBe('one');
    advance(1);
    expect(await cache.get('a')).toBe('two');
    expect(calls).toEqual(['a', 'a']);
  });

  it('refreshes only when the cached value is at least minAge old', async () => {
    const { cache, calls, advance } = setup({ a: ['old', 'new'] });
    await cache.get('a');
    advance(50);
    expect(await cache.refresh('a', 100)).toBe('old');
    advance(50);
    expect(await cache.refresh('a', 100)).toBe('new');
    expect(await cache.get('a')).toBe('new');
    expect(calls).toEqual(['a', 'a']);
  });

  it('does not cache a failed fetch, so the next call retries', async () => {
    const { cache, calls } = setup({ a: [] });
    await expect(cache.get('a')).rejects.toThrow('no value for a');
    await expect(cache.get('a')).rejects.toThrow('no value for a');
    expect(calls).toEqual(['a', 'a']);
  });
});
