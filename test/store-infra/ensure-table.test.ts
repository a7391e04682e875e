/** `ensureTable` against DynamoDB Local (AWS's emulator) and dynalite (the embedded store): creates the state table once, survives repeats and races, refuses a table of another shape. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../runtime/node/embedded-dynamodb.ts';
import { ensureTable, STATE_TABLE } from '../../runtime/store/table.ts';
import { dynamoLocalClient } from '../setup/dynamo.ts';

const unique = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;

interface Backend {
  readonly name: string;
  /** Whether the server has UpdateTimeToLive (dynalite does not). */
  readonly ttl: boolean;
  client(): DynamoDBClient;
}

let embedded: EmbeddedDynamo | undefined;
let embeddedClient: DynamoDBClient | undefined;
let localClient: DynamoDBClient | undefined;

beforeAll(async () => {
  localClient = dynamoLocalClient();
  embedded = await startEmbeddedDynamo({});
  embeddedClient = new DynamoDBClient({ endpoint: embedded.endpoint, region: embedded.region, credentials: embedded.credentials });
});

afterAll(async () => {
  localClient?.destroy();
  embeddedClient?.destroy();
  await embedded?.close();
});

const backends: Backend[] = [
  { name: 'DynamoDB Local', ttl: true, client: () => localClient! },
  { name: 'dynalite', ttl: false, client: () => embeddedClient! },
];

describe.each(backends)('ensureTable on $name', (backend) => {
  it('creates an on-demand table with string keys pk/sk, ACTIVE, TTL on expiresAt where supported', async () => {
    const client = backend.client();
    const name = unique('ensure');
    await ensureTable(client, name);
    const table = (await client.send(new DescribeTableCommand({ TableName: name }))).Table!;
    expect(table.TableStatus).toBe('ACTIVE');
    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    );
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const ttl = (await client.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription;
    if (backend.ttl) expect(ttl).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: STATE_TABLE.ttlAttribute });
    else expect(ttl?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('is idempotent: a second call keeps the table and its items', async () => {
    const client = backend.client();
    const name = unique('again');
    await ensureTable(client, name);
    await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'p' }, sk: { S: 's' }, n: { N: '1' } } }));
    await ensureTable(client, name);
    await ensureTable(client, name);
    const item = await client.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'p' }, sk: { S: 's' } } }));
    expect(item.Item?.n).toEqual({ N: '1' });
  });

  it('survives concurrent callers racing to create the same table', async () => {
    const client = backend.client();
    const name = unique('race');
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => ensureTable(client, name)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus).toBe('ACTIVE');
    if (backend.ttl) {
      expect((await client.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
    }
  });

  it('refuses a table of that name with other keys', async () => {
    const client = backend.client();
    const name = unique('shape');
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      }),
    );
    await expect(ensureTable(client, name)).rejects.toThrow(`table "${name}" exists with keys id:S / none:?; the state table needs string keys pk / sk`);
  });
});

describe('ensureTable and TTL (DynamoDB Local)', () => {
  it('refuses a table whose TTL is on another attribute', async () => {
    const client = localClient!;
    const name = unique('ttl');
    await ensureTable(client, name);
    const other = unique('ttl-other');
    await client.send(
      new CreateTableCommand({
        TableName: other,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
      }),
    );
    await client.send(new UpdateTimeToLiveCommand({ TableName: other, TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' } }));
    await expect(ensureTable(client, other)).rejects.toThrow(`table "${other}" has TTL on "ttl"; the state table needs it on "expiresAt"`);
  });
});
