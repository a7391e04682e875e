/** The embedded store of `sluice dev` (dynalite in-process): loopback endpoint, state table, data that survives a restart on the same directory, one process per directory, and the advert file. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  devStorePath,
  EMBEDDED_DYNAMO_TABLE,
  readStoreAdvert,
  removeStoreAdvert,
  startEmbeddedDynamo,
  writeStoreAdvert,
  type EmbeddedDynamo,
} from '../../runtime/node/embedded-dynamodb.ts';
import { ROOT } from '../support/cli.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-embedded-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function clientFor(store: EmbeddedDynamo): DynamoDBClient {
  return new DynamoDBClient({ endpoint: store.endpoint, region: store.region, credentials: store.credentials });
}

async function withClient<T>(store: EmbeddedDynamo, fn: (client: DynamoDBClient) => Promise<T>): Promise<T> {
  const client = clientFor(store);
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

const key = { pk: { S: 'consumer#demo' }, sk: { S: 'window#1' } };

/** Runs a TypeScript snippet in a child Node (through tsx) that holds a store open on `path` and prints "ready <pid>". */
function holder(path: string): Promise<{ pid: number; kill(): Promise<void> }> {
  const code = `
    import { startEmbeddedDynamo } from ${JSON.stringify(join(ROOT, 'runtime', 'node', 'embedded-dynamodb.ts'))};
    await startEmbeddedDynamo({ path: ${JSON.stringify(path)} });
    process.stdout.write('ready ' + process.pid + '\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`holder did not start: ${out}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        pid: Number(m[1]),
        kill: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    });
    child.once('exit', (c) => reject(new Error(`holder exited with ${c}: ${out}`)));
  });
}

describe('startEmbeddedDynamo', () => {
  it('serves the state table on 127.0.0.1 with fixed fake credentials, in memory without a path', async () => {
    const store = await startEmbeddedDynamo({});
    try {
      expect(store.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(store.tableName).toBe(EMBEDDED_DYNAMO_TABLE);
      expect(store.region).toBe('us-east-1');
      expect(store.credentials.accessKeyId).toMatch(/^[A-Za-z0-9]+$/);
      const table = await withClient(store, (c) => c.send(new DescribeTableCommand({ TableName: store.tableName })));
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      expect(table.Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(['pk', 'sk']);
    } finally {
      await store.close();
    }
  });

  it('keeps data on disk across a close and a restart on the same directory', async () => {
    const path = join(tempDir(), 'nested', 'dynamodb');
    const first = await startEmbeddedDynamo({ path, tableName: 'limits' });
    await withClient(first, (c) => c.send(new PutItemCommand({ TableName: 'limits', Item: { ...key, count: { N: '7' }, expiresAt: { N: '4102444800' } } })));
    await first.close();
    await first.close(); // a second close is a no-op
    expect(existsSync(`${path}.lock`)).toBe(false);

    const second = await startEmbeddedDynamo({ path, tableName: 'limits' });
    try {
      expect(second.endpoint).not.toBe('');
      const got = await withClient(second, (c) => c.send(new GetItemCommand({ TableName: 'limits', Key: key, ConsistentRead: true })));
      expect(got.Item).toEqual({ ...key, count: { N: '7' }, expiresAt: { N: '4102444800' } });
    } finally {
      await second.close();
    }
  });

  it('refuses a directory already open in this process, and frees it on close', async () => {
    const path = join(tempDir(), 'dynamodb');
    const store = await startEmbeddedDynamo({ path });
    await expect(startEmbeddedDynamo({ path })).rejects.toThrow(`the store at ${path} is already open in this process`);
    await store.close();
    const again = await startEmbeddedDynamo({ path });
    await again.close();
  });

  it('refuses a directory held by another live process, and takes it over once that process is dead', async () => {
    const path = join(tempDir(), 'dynamodb');
    const other = await holder(path);
    try {
      await expect(startEmbeddedDynamo({ path })).rejects.toThrow(`the store at ${path} is in use by process ${other.pid} (another \`sluice dev\` in this directory?)`);
    } finally {
      await other.kill();
    }
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(other.pid)); // left behind by SIGKILL
    const store = await startEmbeddedDynamo({ path });
    try {
      const table = await withClient(store, (c) => c.send(new DescribeTableCommand({ TableName: store.tableName })));
      expect(table.Table?.TableStatus).toBe('ACTIVE');
    } finally {
      await store.close();
    }
  });

  it('puts the dev store under .sluice/dynamodb', () => {
    expect(devStorePath('/work/project')).toBe(join('/work/project', '.sluice', 'dynamodb'));
  });
});

describe('store advert', () => {
  it('round-trips through .sluice/dev-store.json while the process lives', () => {
    const cwd = tempDir();
    expect(readStoreAdvert(cwd)).toBeNull();
    writeStoreAdvert(cwd, { endpoint: 'http://127.0.0.1:1234', tableName: 'sluice-dev-state', pid: process.pid });
    expect(JSON.parse(readFileSync(join(cwd, '.sluice', 'dev-store.json'), 'utf8'))).toEqual({ endpoint: 'http://127.0.0.1:1234', tableName: 'sluice-dev-state', pid: process.pid });
    expect(readStoreAdvert(cwd)).toEqual({ endpoint: 'http://127.0.0.1:1234', tableName: 'sluice-dev-state', pid: process.pid });
  });

  it('is null when its process is gone, or the file is not an advert', () => {
    const cwd = tempDir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeStoreAdvert(cwd, { endpoint: 'http://127.0.0.1:1234', tableName: 't', pid: Number(gone.stdout) });
    expect(readStoreAdvert(cwd)).toBeNull();
    for (const text of ['not json', '[]', '{"endpoint":"x","tableName":"t"}', '{"endpoint":"x","tableName":"t","pid":-1}']) {
      writeFileSync(join(cwd, '.sluice', 'dev-store.json'), text);
      expect(readStoreAdvert(cwd)).toBeNull();
    }
  });

  it('is removed only by the process it names', () => {
    const cwd = tempDir();
    writeStoreAdvert(cwd, { endpoint: 'http://127.0.0.1:1', tableName: 't', pid: process.pid });
    removeStoreAdvert(cwd, process.pid + 1);
    expect(readStoreAdvert(cwd)).not.toBeNull();
    removeStoreAdvert(cwd);
    expect(existsSync(join(cwd, '.sluice', 'dev-store.json'))).toBe(false);
    removeStoreAdvert(cwd); // nothing there: no error
  });
});
