/** The behaviours every state store must have (counters, adds, reads, leases with epoch rollover, cache entries and generations), as a suite run against each server. */
import { randomBytes } from 'node:crypto';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { KEYS } from '../../runtime/store/dynamodb.ts';
import type { CounterOp, Store } from '../../runtime/store/types.ts';

/** A store under test, the raw client and table behind it. */
export interface StoreUnderTest {
  readonly store: Store;
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const T = 5_000;
const EPOCH = 60_000;
/** A moment at the start of an even epoch (slot A). */
const T0 = 1_000 * EPOCH;

let seq = 0;
/** A key no other test uses. */
function fresh(name: string): string {
  return `${name}-${++seq}-${randomBytes(3).toString('hex')}`;
}

function op(key: string, amount: number, limit: number, window = 'w1'): CounterOp {
  return { key, window, amount, limit, expiresAt: 2_000_000_000 };
}

/** Registers the contract suite; `get` is called inside the tests (after the caller's beforeAll). */
export function storeContract(name: string, get: () => StoreUnderTest): void {
  describe(`store contract: ${name}`, () => {
    describe('counters', () => {
      it('admits increments one by one up to the limit, then refuses without changing the counter', async () => {
        const { store } = get();
        const key = fresh('c');
        const values: number[] = [];
        for (let i = 0; i < 3; i++) {
          const [r] = await store.increment([op(key, 1, 3)], T);
          expect(r!.admitted).toBe(true);
          values.push(r!.value);
        }
        expect(values).toEqual([1, 2, 3]);
        const [refused] = await store.increment([op(key, 1, 3)], T);
        expect(refused).toEqual({ admitted: false, value: 3 });
        expect(await store.read([{ key, window: 'w1' }], T)).toEqual([3]);
      });

      it('admits an amount only when the whole of it fits under the limit', async () => {
        const { store } = get();
        const key = fresh('amount');
        expect((await store.increment([op(key, 4, 10)], T))[0]).toEqual({ admitted: true, value: 4 });
        expect((await store.increment([op(key, 4, 10)], T))[0]).toEqual({ admitted: true, value: 8 });
        expect((await store.increment([op(key, 3, 10)], T))[0]!.admitted).toBe(false);
        expect((await store.increment([op(key, 2, 10)], T))[0]).toEqual({ admitted: true, value: 10 });
        expect(await store.read([{ key, window: 'w1' }], T)).toEqual([10]);
      });

      it('refuses an amount larger than the limit, on a new counter too', async () => {
        const { store } = get();
        const key = fresh('too-much');
        expect((await store.increment([op(key, 5, 3)], T))[0]!.admitted).toBe(false);
        expect((await store.increment([op(key, 1, 0)], T))[0]!.admitted).toBe(false);
        expect((await store.increment([op(key, 1, -2)], T))[0]!.admitted).toBe(false);
        expect(await store.read([{ key, window: 'w1' }], T)).toEqual([0]);
        expect((await store.increment([op(key, 3, 3)], T))[0]).toEqual({ admitted: true, value: 3 });
      });

      it('answers several increments in the order asked, each on its own counter and window', async () => {
        const { store } = get();
        const a = fresh('a');
        const b = fresh('b');
        await store.increment([op(a, 2, 2)], T);
        const results = await store.increment([op(a, 1, 2), op(b, 1, 2), op(a, 1, 2, 'w2')], T);
        expect(results).toEqual([
          { admitted: false, value: 2 },
          { admitted: true, value: 1 },
          { admitted: true, value: 1 },
        ]);
        expect(await store.read([{ key: a, window: 'w1' }, { key: b, window: 'w1' }, { key: a, window: 'w2' }, { key: a, window: 'w9' }], T)).toEqual([2, 1, 1, 0]);
      });

      it('admits exactly the limit out of 40 simultaneous increments', async () => {
        const { store } = get();
        const key = fresh('race');
        const results = await Promise.all(Array.from({ length: 40 }, () => store.increment([op(key, 1, 7)], T)));
        const admitted = results.map(([r]) => r!).filter((r) => r.admitted);
        expect(admitted).toHaveLength(7);
        expect(admitted.map((r) => r.value).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(await store.read([{ key, window: 'w1' }], T)).toEqual([7]);
      });

      it('writes the expiry once, when the counter is created', async () => {
        const { store, client, tableName } = get();
        const key = fresh('expiry');
        await store.increment([{ ...op(key, 1, 5), expiresAt: 1_900_000_000 }], T);
        await store.increment([{ ...op(key, 1, 5), expiresAt: 1_900_000_999 }], T);
        await store.add([{ key, window: 'w1', amount: 1, expiresAt: 1_900_000_555 }], T);
        const item = (await client.send(new GetItemCommand({ TableName: tableName, Key: KEYS.counter(key, 'w1'), ConsistentRead: true }))).Item;
        expect(item?.expiresAt).toEqual({ N: '1900000000' });
        expect(item?.n).toEqual({ N: '3' });
      });
    });

    describe('add and read', () => {
      it('adds unconditionally (past the limit too) and subtracts, creating missing counters', async () => {
        const { store } = get();
        const key = fresh('add');
        await store.add([{ key, window: 'w1', amount: 5, expiresAt: 2_000_000_000 }], T);
        await store.add([{ key, window: 'w1', amount: 7, expiresAt: 2_000_000_000 }], T);
        expect(await store.read([{ key, window: 'w1' }], T)).toEqual([12]);
        expect((await store.increment([op(key, 1, 12)], T))[0]).toEqual({ admitted: false, value: 12 });
        await store.add([{ key, window: 'w1', amount: -3, expiresAt: 2_000_000_000 }], T);
        expect((await store.increment([op(key, 1, 12)], T))[0]).toEqual({ admitted: true, value: 10 });
        const other = fresh('neg');
        await store.add([{ key: other, window: 'w1', amount: -2, expiresAt: 2_000_000_000 }], T);
        expect(await store.read([{ key: other, window: 'w1' }], T)).toEqual([-2]);
      });

      it('adds several counters at once, and reads missing counters as 0', async () => {
        const { store } = get();
        const a = fresh('a');
        const b = fresh('b');
        await store.add(
          [
            { key: a, window: 'w1', amount: 3, expiresAt: 2_000_000_000 },
            { key: b, window: 'w1', amount: 4, expiresAt: 2_000_000_000 },
          ],
          T,
        );
        expect(await store.read([{ key: b, window: 'w1' }, { key: fresh('none'), window: 'w1' }, { key: a, window: 'w1' }], T)).toEqual([4, 0, 3]);
        expect(await store.read([], T)).toEqual([]);
      });
    });

    describe('leases', () => {
      const lease = (key: string, limit: number, now: number) => ({ key, limit, epochMs: EPOCH, now });

      it('admits up to the limit, refuses past it, and frees a place on release', async () => {
        const { store } = get();
        const key = fresh('lease');
        const first = await store.acquire(lease(key, 2, T0), T);
        const second = await store.acquire(lease(key, 2, T0 + 1), T);
        expect(first).toMatchObject({ admitted: true, value: 1, lease: { key, slot: 'A', epoch: 1000 } });
        expect(second).toMatchObject({ admitted: true, value: 2 });
        expect(await store.acquire(lease(key, 2, T0 + 2), T)).toEqual({ admitted: false, value: 2 });
        if (!first.admitted) throw new Error('unreachable');
        await store.release(first.lease, T);
        expect(await store.acquire(lease(key, 2, T0 + 3), T)).toMatchObject({ admitted: true, value: 2 });
      });

      it('admits exactly the limit out of 30 simultaneous requests', async () => {
        const { store } = get();
        const key = fresh('lease-race');
        const results = await Promise.all(Array.from({ length: 30 }, () => store.acquire(lease(key, 5, T0 + 10), T)));
        expect(results.filter((r) => r.admitted)).toHaveLength(5);
        expect(results.filter((r) => !r.admitted).every((r) => r.value === 5)).toBe(true);
      });

      it("keeps counting a dead holder's lease for one more epoch and writes it off in the epoch after", async () => {
        const { store } = get();
        const key = fresh('dead');
        const dead = await store.acquire(lease(key, 1, T0 + 5), T);
        expect(dead).toMatchObject({ admitted: true, lease: { slot: 'A', epoch: 1000 } });
        // Next epoch (slot B): the lease in slot A still counts.
        expect(await store.acquire(lease(key, 1, T0 + EPOCH + 5), T)).toEqual({ admitted: false, value: 1 });
        // Two epochs later slot A rolls over: the dead holder's lease stops counting.
        const after = await store.acquire(lease(key, 1, T0 + 2 * EPOCH + 5), T);
        expect(after).toMatchObject({ admitted: true, value: 1, lease: { slot: 'A', epoch: 1002 } });
        expect(await store.acquire(lease(key, 1, T0 + 2 * EPOCH + 6), T)).toEqual({ admitted: false, value: 1 });
      });

      it('frees a lease taken in the previous epoch (a long request)', async () => {
        const { store } = get();
        const key = fresh('long');
        const old = await store.acquire(lease(key, 2, T0 + 5), T);
        const now = await store.acquire(lease(key, 2, T0 + EPOCH + 5), T);
        expect(now).toMatchObject({ admitted: true, value: 2, lease: { slot: 'B', epoch: 1001 } });
        if (!old.admitted) throw new Error('unreachable');
        await store.release(old.lease, T);
        expect(await store.acquire(lease(key, 2, T0 + EPOCH + 6), T)).toMatchObject({ admitted: true, value: 2 });
      });

      it('ignores the release of a lease whose slot has rolled over', async () => {
        const { store } = get();
        const key = fresh('late');
        const old = await store.acquire(lease(key, 1, T0 + 5), T);
        if (!old.admitted) throw new Error('unreachable');
        const current = await store.acquire(lease(key, 1, T0 + 2 * EPOCH), T);
        expect(current).toMatchObject({ admitted: true, value: 1 });
        await store.release(old.lease, T);
        // The late release must not free the current holder's place.
        expect(await store.acquire(lease(key, 1, T0 + 2 * EPOCH + 1), T)).toEqual({ admitted: false, value: 1 });
        if (!current.admitted) throw new Error('unreachable');
        await store.release(current.lease, T);
        expect(await store.acquire(lease(key, 1, T0 + 2 * EPOCH + 2), T)).toMatchObject({ admitted: true, value: 1 });
      });

      it('rolls over once when many instances find a stale slot at the same time', async () => {
        const { store } = get();
        const key = fresh('roll-race');
        await store.acquire(lease(key, 3, T0), T);
        await store.acquire(lease(key, 3, T0), T);
        const results = await Promise.all(Array.from({ length: 12 }, () => store.acquire(lease(key, 3, T0 + 2 * EPOCH), T)));
        expect(results.filter((r) => r.admitted)).toHaveLength(3);
      });
    });

    describe('cache entries and generations', () => {
      it('reads a missing entry as null and missing generations as 0', async () => {
        const { store } = get();
        expect(await store.cacheGet(fresh('k'), [fresh('g1'), fresh('g2')], T)).toEqual({ entry: null, generations: [0, 0] });
        expect(await store.cacheGet(fresh('k'), [], T)).toEqual({ entry: null, generations: [] });
      });

      it('stores an entry and gives back its bytes, generations and expiry', async () => {
        const { store } = get();
        const key = fresh('entry');
        const body = new Uint8Array(randomBytes(300 * 1024));
        await store.cachePut(key, { body, generations: [3, 0, 7], expiresAt: 1_900_000_000 }, T);
        const got = await store.cacheGet(key, [], T);
        expect(got.entry?.generations).toEqual([3, 0, 7]);
        expect(got.entry?.expiresAt).toBe(1_900_000_000);
        expect(Buffer.from(got.entry!.body).equals(Buffer.from(body))).toBe(true);
      });

      it('replaces an entry on a second put', async () => {
        const { store } = get();
        const key = fresh('replace');
        await store.cachePut(key, { body: new Uint8Array([1, 2, 3]), generations: [0], expiresAt: 1_900_000_000 }, T);
        await store.cachePut(key, { body: new Uint8Array([9]), generations: [1], expiresAt: 1_900_000_001 }, T);
        const { entry } = await store.cacheGet(key, [], T);
        expect(entry).toMatchObject({ generations: [1], expiresAt: 1_900_000_001 });
        expect([...entry!.body]).toEqual([9]);
      });

      it('bumps a generation by one each time and reads it back with the entry', async () => {
        const { store } = get();
        const key = fresh('gen-entry');
        const g = fresh('route');
        const other = fresh('consumer');
        expect(await store.bump(g, T)).toBe(1);
        expect(await store.bump(g, T)).toBe(2);
        await store.cachePut(key, { body: new Uint8Array([42]), generations: [2, 0], expiresAt: 1_900_000_000 }, T);
        expect(await store.cacheGet(key, [g, other], T)).toMatchObject({ entry: { generations: [2, 0] }, generations: [2, 0] });
        expect(await store.bump(other, T)).toBe(1);
        expect((await store.cacheGet(key, [g, other], T)).generations).toEqual([2, 1]);
      });

      it('bumps exactly once per call under concurrency', async () => {
        const { store } = get();
        const g = fresh('gen-race');
        const values = await Promise.all(Array.from({ length: 15 }, () => store.bump(g, T)));
        expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      });
    });
  });
}
