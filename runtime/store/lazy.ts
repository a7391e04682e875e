/**
 * A store that connects on first use, so processes whose Plan needs no state (or that are
 * only starting) never load the AWS SDK; and the test of whether a Plan needs state at all.
 * @module
 */
import type { Plan } from '../plan.ts';
import { StoreError, type Store } from './types.ts';

/** True when some limit or some route's cache needs the state store. */
export function needsState(plan: Plan): boolean {
  return plan.limits.length > 0 || Object.values(plan.routes).some((r) => r.cache.enabled);
}

/** A Store whose connection is made by `connect` on the first call (and retried after a failure). */
export function lazyStore(connect: () => Promise<Store>): Store {
  let pending: Promise<Store> | null = null;
  const get = async (): Promise<Store> => {
    pending ??= connect();
    try {
      return await pending;
    } catch {
      pending = null;
      throw new StoreError('the state store could not be reached', 'unavailable');
    }
  };
  return {
    increment: async (ops, t) => (await get()).increment(ops, t),
    add: async (ops, t) => (await get()).add(ops, t),
    read: async (c, t) => (await get()).read(c, t),
    acquire: async (op, t) => (await get()).acquire(op, t),
    release: async (lease, t) => (await get()).release(lease, t),
    cacheGet: async (key, g, t) => (await get()).cacheGet(key, g, t),
    cachePut: async (key, r, t) => (await get()).cachePut(key, r, t),
    bump: async (g, t) => (await get()).bump(g, t),
  };
}
