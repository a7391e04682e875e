/**
 * The state store on DynamoDB: conditional atomic updates for counters and leases (never
 * read-modify-write), one BatchGetItem for a cache entry and its generations. The same
 * code runs against DynamoDB, the embedded server of `sluice dev` and DynamoDB Local.
 * @module
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StoreError, type CacheRecord, type CounterAdd, type CounterOp, type CounterResult, type Lease, type LeaseOp, type LeaseResult, type Store } from './types.ts';
import { merged } from '../merged.ts';

type Sdk = typeof import('@aws-sdk/client-dynamodb');
type Item = Record<string, AttributeValue>;

const n = (value: number): AttributeValue => ({ N: String(value) });
const s = (value: string): AttributeValue => ({ S: value });
const num = (item: Item | undefined, name: string): number => Number(item?.[name]?.N ?? '0');

/** Item keys of each kind of state. */
export const KEYS = {
  counter: (key: string, window: string): Item => ({ pk: s(`c#${key}`), sk: s(window) }),
  lease: (key: string): Item => ({ pk: s(`l#${key}`), sk: s('lease') }),
  cache: (key: string): Item => ({ pk: s(`k#${key}`), sk: s('entry') }),
  generation: (name: string): Item => ({ pk: s(`g#${name}`), sk: s('generation') }),
};

function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

/** Runs `call` with an abort signal that fires after `timeoutMs`, mapping failures to StoreError. */
async function bounded<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>, passConditionFailures = false): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await call(controller.signal);
  } catch (err) {
    if (passConditionFailures && isConditionFailure(err)) throw err;
    if (controller.signal.aborted) throw new StoreError(`the state store did not answer within ${timeoutMs} ms`, 'timeout');
    throw new StoreError(`the state store failed (${err instanceof Error ? err.name : 'error'})`, 'unavailable');
  } finally {
    clearTimeout(timer);
  }
}

/** A store over one DynamoDB table. */
export function dynamoStore(sdk: Sdk, client: DynamoDBClient, table: string): Store {
  const { UpdateItemCommand, GetItemCommand, BatchGetItemCommand, PutItemCommand } = sdk;

  async function incrementOne(op: CounterOp, timeoutMs: number): Promise<CounterResult> {
    // A counter not written yet passes `attribute_not_exists`: an amount over the limit is refused here.
    if (op.amount > op.limit) return { admitted: false, value: op.limit };
    try {
      const out = await bounded(
        timeoutMs,
        (abortSignal) =>
          client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: KEYS.counter(op.key, op.window),
              UpdateExpression: 'ADD #n :a SET #x = if_not_exists(#x, :x)',
              ConditionExpression: 'attribute_not_exists(#n) OR #n <= :max',
              ExpressionAttributeNames: { '#n': 'n', '#x': 'expiresAt' },
              ExpressionAttributeValues: { ':a': n(op.amount), ':max': n(op.limit - op.amount), ':x': n(op.expiresAt) },
              ReturnValues: 'UPDATED_NEW',
            }),
            { abortSignal },
          ),
        true,
      );
      return { admitted: true, value: num(out.Attributes, 'n') };
    } catch (err) {
      if (isConditionFailure(err)) return { admitted: false, value: op.limit };
      throw err;
    }
  }

  async function addOne(op: CounterAdd, timeoutMs: number): Promise<void> {
    await bounded(timeoutMs, (abortSignal) =>
      client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: KEYS.counter(op.key, op.window),
          UpdateExpression: 'ADD #n :a SET #x = if_not_exists(#x, :x)',
          ExpressionAttributeNames: { '#n': 'n', '#x': 'expiresAt' },
          ExpressionAttributeValues: { ':a': n(op.amount), ':x': n(op.expiresAt) },
        }),
        { abortSignal },
      ),
    );
  }

  async function readOne(key: string, window: string, timeoutMs: number): Promise<number> {
    const out = await bounded(timeoutMs, (abortSignal) => client.send(new GetItemCommand({ TableName: table, Key: KEYS.counter(key, window), ConsistentRead: true }), { abortSignal }));
    return num(out.Item, 'n');
  }

  /** One admission try in the lease's current slot; 'stale' when the slot belongs to an older epoch (or was not full after all): roll over and try again. */
  async function tryLease(op: LeaseOp, slot: 'A' | 'B', epoch: number, timeoutMs: number): Promise<LeaseResult | 'stale'> {
    try {
      const out = await bounded(
        timeoutMs,
        (abortSignal) =>
          client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: KEYS.lease(op.key),
              UpdateExpression: 'ADD #t :one, #s :one SET #x = :x',
              ConditionExpression: '#e = :epoch AND #t < :limit',
              ExpressionAttributeNames: { '#t': 'total', '#s': `s${slot}`, '#e': `e${slot}`, '#x': 'expiresAt' },
              ExpressionAttributeValues: { ':one': n(1), ':epoch': n(epoch), ':limit': n(op.limit), ':x': n(Math.ceil((op.now + 3 * op.epochMs) / 1000)) },
              ReturnValues: 'UPDATED_NEW',
            }),
            { abortSignal },
          ),
        true,
      );
      return { admitted: true, lease: { key: op.key, slot, epoch }, value: num(out.Attributes, 'total') };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const item = (await bounded(timeoutMs, (abortSignal) => client.send(new GetItemCommand({ TableName: table, Key: KEYS.lease(op.key), ConsistentRead: true }), { abortSignal }))).Item;
      const current = num(item, `e${slot}`) === epoch && item?.[`e${slot}`] !== undefined;
      // Full only if the slot is current and at the limit: the update may have failed on a slot
      // that another instance rolled over (or on a place freed) before this read.
      if (current && num(item, 'total') >= op.limit) return { admitted: false, value: num(item, 'total') };
      return 'stale';
    }
  }

  /** Starts a new epoch in a slot: the leases it still counts (holders that died) stop counting. */
  async function rollOver(op: LeaseOp, slot: 'A' | 'B', epoch: number, timeoutMs: number): Promise<void> {
    try {
      await bounded(
        timeoutMs,
        (abortSignal) =>
          client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: KEYS.lease(op.key),
              UpdateExpression: 'SET #t = if_not_exists(#t, :zero) - if_not_exists(#s, :zero), #s = :zero, #e = :epoch',
              ConditionExpression: 'attribute_not_exists(#e) OR #e < :epoch',
              ExpressionAttributeNames: { '#t': 'total', '#s': `s${slot}`, '#e': `e${slot}` },
              ExpressionAttributeValues: { ':zero': n(0), ':epoch': n(epoch) },
            }),
            { abortSignal },
          ),
        true,
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // another instance rolled it over first
    }
  }

  return {
    increment: (ops, timeoutMs) => Promise.all(ops.map((op) => incrementOne(op, timeoutMs))),
    add: async (ops, timeoutMs) => void (await Promise.all(ops.map((op) => addOne(op, timeoutMs)))),
    read: (counters, timeoutMs) => Promise.all(counters.map((c) => readOne(c.key, c.window, timeoutMs))),
    async acquire(op, timeoutMs) {
      const epoch = Math.floor(op.now / op.epochMs);
      const slot = epoch % 2 === 0 ? 'A' : 'B';
      const first = await tryLease(op, slot, epoch, timeoutMs);
      if (first !== 'stale') return first;
      await rollOver(op, slot, epoch, timeoutMs);
      const second = await tryLease(op, slot, epoch, timeoutMs);
      return second === 'stale' ? { admitted: false, value: op.limit } : second;
    },
    async release(lease: Lease, timeoutMs) {
      try {
        await bounded(
          timeoutMs,
          (abortSignal) =>
            client.send(
              new UpdateItemCommand({
                TableName: table,
                Key: KEYS.lease(lease.key),
                UpdateExpression: 'ADD #t :minus, #s :minus',
                ConditionExpression: '#e = :epoch',
                ExpressionAttributeNames: { '#t': 'total', '#s': `s${lease.slot}`, '#e': `e${lease.slot}` },
                ExpressionAttributeValues: { ':minus': n(-1), ':epoch': n(lease.epoch) },
              }),
              { abortSignal },
            ),
          true,
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err; // its slot rolled over: the lease no longer counts
      }
    },
    async cacheGet(key, generations, timeoutMs) {
      const keys = [KEYS.cache(key), ...generations.map(KEYS.generation)];
      const out = await bounded(timeoutMs, (abortSignal) => client.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: false } } }), { abortSignal }));
      if (Object.keys(out.UnprocessedKeys ?? {}).length > 0) throw new StoreError('the state store did not return every cache item', 'unavailable');
      const items = out.Responses?.[table] ?? [];
      const find = (k: Item): Item | undefined => items.find((i) => i.pk?.S === k.pk?.S && i.sk?.S === k.sk?.S);
      const entryItem = find(keys[0]!);
      const entry: CacheRecord | null = entryItem?.b?.B
        ? { body: entryItem.b.B, generations: (entryItem.g?.L ?? []).map((v) => Number(v.N ?? '0')), expiresAt: num(entryItem, 'expiresAt') }
        : null;
      return { entry, generations: keys.slice(1).map((k) => num(find(k), 'g')) };
    },
    async cachePut(key, record, timeoutMs) {
      await bounded(timeoutMs, (abortSignal) =>
        client.send(
          new PutItemCommand({
            TableName: table,
            Item: merged(KEYS.cache(key), { b: { B: record.body }, g: { L: record.generations.map(n) }, expiresAt: n(record.expiresAt) }),
          }),
          { abortSignal },
        ),
      );
    },
    async bump(generation, timeoutMs) {
      const out = await bounded(timeoutMs, (abortSignal) =>
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: KEYS.generation(generation),
            UpdateExpression: 'ADD #g :one',
            ExpressionAttributeNames: { '#g': 'g' },
            ExpressionAttributeValues: { ':one': n(1) },
            ReturnValues: 'UPDATED_NEW',
          }),
          { abortSignal },
        ),
      );
      return num(out.Attributes, 'g');
    },
  };
}

/** Connection settings of a store. */
export interface StoreConfig {
  readonly tableName: string;
  readonly region?: string;
  /** A local endpoint (embedded server, DynamoDB Local); unset in AWS. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Loads the SDK (only when a Plan needs state) and builds the store. No SDK retries: a retried ADD could count twice. */
export async function connectStore(config: StoreConfig): Promise<{ store: Store; client: DynamoDBClient }> {
  const sdk = await import('@aws-sdk/client-dynamodb');
  const client = new sdk.DynamoDBClient({
    maxAttempts: 1,
    ...(config.region ? { region: config.region } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  return { store: dynamoStore(sdk, client, config.tableName), client };
}
