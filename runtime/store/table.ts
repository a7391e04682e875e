/** The state table's shape (`pk`/`sk` strings, TTL on `expiresAt`) and `ensureTable`, which creates it where no CDK does: `sluice dev` and tests. */
import type { DynamoDBClient, TableDescription } from '@aws-sdk/client-dynamodb';

/** The DynamoDB SDK, loaded on first use: commands that never touch the store do not pay for it. */
const sdk = (): Promise<typeof import('@aws-sdk/client-dynamodb')> => import('@aws-sdk/client-dynamodb');

/**
 * The key schema and TTL attribute of the state table, as deployed by infra (docs/decisions.md,
 * "Infra"): string partition key `pk`, string sort key `sk`, TTL attribute `expiresAt` in epoch
 * seconds.
 */
export const STATE_TABLE = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

/** Bounds for `ensureTable`'s wait for the table to become ACTIVE. */
export interface EnsureTableOptions {
  /** Give up waiting for ACTIVE after this many ms (default 120 000; local servers take ~0). */
  readonly timeoutMs?: number;
}

/** The name of an SDK error (`ResourceNotFoundException`, …), or undefined for anything else. */
function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new (await sdk()).DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** Throws when an existing table's keys are not the state table's: the store could not work on it. */
function checkKeys(tableName: string, table: TableDescription): void {
  const keyOf = (type: 'HASH' | 'RANGE'): string | undefined => table.KeySchema?.find((k) => k.KeyType === type)?.AttributeName;
  const typeOf = (name: string | undefined): string | undefined => table.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
  const hash = keyOf('HASH');
  const range = keyOf('RANGE');
  if (hash !== STATE_TABLE.partitionKey || range !== STATE_TABLE.sortKey || typeOf(hash) !== 'S' || typeOf(range) !== 'S') {
    throw new Error(
      `table "${tableName}" exists with keys ${hash ?? '?'}:${typeOf(hash) ?? '?'} / ${range ?? 'none'}:${typeOf(range) ?? '?'}; ` +
        `the state table needs string keys ${STATE_TABLE.partitionKey} / ${STATE_TABLE.sortKey}`,
    );
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls DescribeTable until the table is ACTIVE, with a growing interval (50 ms up to 2 s), until the deadline. */
async function waitActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    const table = await describe(client, tableName);
    if (table?.TableStatus === 'ACTIVE') return table;
    if (Date.now() + delay > deadline) {
      throw new Error(`table "${tableName}" is not ACTIVE after ${timeoutMs} ms (status ${table?.TableStatus ?? 'missing'})`);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 2_000);
  }
}

/** TTL states in which `expiresAt` is, or is becoming, the table's TTL attribute. */
const TTL_ON = new Set(['ENABLED', 'ENABLING']);

async function ttlState(client: DynamoDBClient, tableName: string): Promise<{ status: string; attribute: string | undefined }> {
  const d = (await client.send(new (await sdk()).DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
  return { status: d?.TimeToLiveStatus ?? 'DISABLED', attribute: d?.AttributeName };
}

/**
 * Turns TTL on for `expiresAt` unless it already is. Servers without `UpdateTimeToLive` (dynalite
 * answers `UnknownOperationException`) are left without TTL: nothing expires there on its own,
 * which is harmless because every reader checks `expiresAt` itself (AWS deletes expired items
 * only eventually, too). Any other error is thrown. A `ValidationException` from a concurrent
 * caller that enabled TTL first is accepted after re-reading the state.
 */
async function enableTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  const before = await ttlState(client, tableName);
  if (TTL_ON.has(before.status)) {
    if (before.attribute === STATE_TABLE.ttlAttribute) return;
    throw new Error(`table "${tableName}" has TTL on "${before.attribute ?? '?'}"; the state table needs it on "${STATE_TABLE.ttlAttribute}"`);
  }
  try {
    await client.send(new (await sdk()).UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: STATE_TABLE.ttlAttribute } }));
  } catch (err) {
    const name = errorName(err);
    if (name === 'UnknownOperationException') return;
    if (name === 'ValidationException') {
      const after = await ttlState(client, tableName);
      if (TTL_ON.has(after.status) && after.attribute === STATE_TABLE.ttlAttribute) return;
    }
    throw err;
  }
}

/**
 * Creates the state table `tableName` (on-demand, string keys `pk`/`sk`) unless it exists, waits
 * until it is ACTIVE (bounded by `options.timeoutMs`), and enables TTL on `expiresAt` where the
 * server supports `UpdateTimeToLive`. Idempotent, and safe when several callers race: a
 * `ResourceInUseException` from a parallel create counts as success. Throws when a table of that
 * name exists with other keys, or TTL is on another attribute.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string, options: EnsureTableOptions = {}): Promise<void> {
  const existing = await describe(client, tableName);
  if (existing === undefined) {
    try {
      await client.send(
        new (await sdk()).CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' },
            { AttributeName: STATE_TABLE.sortKey, KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' },
            { AttributeName: STATE_TABLE.sortKey, AttributeType: 'S' },
          ],
        }),
      );
    } catch (err) {
      if (errorName(err) !== 'ResourceInUseException') throw err;
    }
  }
  const table = existing?.TableStatus === 'ACTIVE' ? existing : await waitActive(client, tableName, options.timeoutMs ?? 120_000);
  checkKeys(tableName, table);
  await enableTtl(client, tableName);
}
