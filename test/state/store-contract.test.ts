/** The DynamoDB store's contract against AWS's DynamoDB Local and against `sluice dev`'s embedded dynalite, and its errors when the server is gone or silent. */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../runtime/node/embedded-dynamodb.ts';
import { connectStore } from '../../runtime/store/dynamodb.ts';
import { StoreError } from '../../runtime/store/types.ts';
import { freshTable } from '../setup/dynamo.ts';
import { storeContract, type StoreUnderTest } from './store-contract.ts';
import { closedPort, storeAt } from './support.ts';

let local: StoreUnderTest & { destroy(): void };
let embedded: EmbeddedDynamo;
let dynalite: StoreUnderTest & { destroy(): void };

beforeAll(async () => {
  const tableName = await freshTable('contract');
  const { store, client } = await storeAt(tableName);
  local = { store, client, tableName, destroy: () => client.destroy() };
  embedded = await startEmbeddedDynamo();
  const e = await connectStore(embedded);
  dynalite = { store: e.store, client: e.client, tableName: embedded.tableName, destroy: () => e.client.destroy() };
});

afterAll(async () => {
  local?.destroy();
  dynalite?.destroy();
  await embedded?.close();
});

storeContract('DynamoDB Local', () => local);
storeContract('embedded dynalite', () => dynalite);

describe('store errors', () => {
  it('fails with StoreError "unavailable" when nothing listens, naming no key', async () => {
    const { store, client } = await connectStore({ tableName: 't', endpoint: `http://127.0.0.1:${await closedPort()}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    try {
      const err = await store.increment([{ key: 'secret-key', window: 'w', amount: 1, limit: 5, expiresAt: 1 }], 2_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).kind).toBe('unavailable');
      expect((err as StoreError).message).not.toContain('secret-key');
      await expect(store.cacheGet('k', ['g'], 2_000)).rejects.toMatchObject({ name: 'StoreError', kind: 'unavailable' });
      await expect(store.acquire({ key: 'l', limit: 1, epochMs: 1000, now: 0 }, 2_000)).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      client.destroy();
    }
  });

  it('fails with StoreError "timeout" after the timeout when the server never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => void sockets.add(s.on('error', () => undefined)));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { store, client } = await connectStore({ tableName: 't', endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    try {
      const started = Date.now();
      const err = await store.read([{ key: 'k', window: 'w' }], 150).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(err).toMatchObject({ name: 'StoreError', kind: 'timeout', message: 'the state store did not answer within 150 ms' });
      expect(took).toBeGreaterThanOrEqual(140);
      expect(took).toBeLessThan(1_000);
    } finally {
      client.destroy();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

});
