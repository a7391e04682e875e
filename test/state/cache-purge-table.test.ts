/**
 * `sluice cache purge --table` as a process against a table it reaches over the DynamoDB API
 * (DynamoDB Local standing in for the deployed table, with the credentials and endpoint a CI
 * job would give it): the route's entries stop being served at once, other routes keep theirs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeDeps } from '../../runtime/core/context.ts';
import { dynamoLocalEndpoint, freshTable } from '../setup/dynamo.ts';
import { ROOT } from '../support/cli.ts';
import { planFrom } from '../support/compile.ts';
import { testDeps } from '../support/context.ts';
import { cacheEntries, cacheWritten, chatDone, storeAt } from './support.ts';
import { DYNAMO_LOCAL_CREDENTIALS, DYNAMO_LOCAL_REGION } from '../setup/dynamodb-local-process.ts';

const KEY = 'sk-purge-table-team';
const SPEC = `version: 1
gateway: { name: purge-table, runtime: { store_timeout: 5s } }
providers: { m: { type: mock } }
routes:
  chat: { aliases: [chat], strategy: m/small }
  other: { aliases: [other], strategy: m/small }
consumers:
  team: { keys: [{ sha256: ${createHash('sha256').update(KEY).digest('hex')} }] }
cache: { ttl: 1h }
`;

let tableName: string;
let client: DynamoDBClient;
let deps: RuntimeDeps;

beforeAll(async () => {
  tableName = await freshTable('purge-table');
  const { store, client: c } = await storeAt(tableName);
  client = c;
  deps = testDeps(planFrom(SPEC), { store });
});
afterAll(() => client?.destroy());

/** x-sluice-cache of one request to `model`, waiting for a MISS's entry to be written. */
async function ask(model: string): Promise<string> {
  const before = await cacheEntries(client, tableName);
  const r = await chatDone(deps, { model, messages: [{ role: 'user', content: 'the same question' }] }, { authorization: `Bearer ${KEY}` });
  expect(r.status).toBe(200);
  const status = r.headers.get('x-sluice-cache') ?? 'none';
  if (status === 'MISS') await cacheWritten(client, tableName, before);
  return status;
}

describe('sluice cache purge --table (a deployed table)', () => {
  it('invalidates the route on the table the flags name, and nothing else', async () => {
    expect([await ask('chat'), await ask('chat'), await ask('other'), await ask('other')]).toEqual(['MISS', 'HIT', 'MISS', 'HIT']);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-purge-table-'));
    const specFile = join(dir, 'gateway.yaml');
    writeFileSync(specFile, SPEC);
    try {
      const run = spawnSync(
        process.execPath,
        [join(ROOT, 'bin', 'sluice.mjs'), 'cache', 'purge', specFile, '--route', 'chat', '--table', tableName, '--endpoint', dynamoLocalEndpoint(), '--region', DYNAMO_LOCAL_REGION],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: DYNAMO_LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: DYNAMO_LOCAL_CREDENTIALS.secretAccessKey },
        },
      );
      expect(run.stderr.split('\n').filter((l) => l.startsWith('sluice'))).toEqual([]);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('chat');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect([await ask('chat'), await ask('chat'), await ask('other')]).toEqual(['MISS', 'HIT', 'HIT']);
  });

  it('refuses a table it cannot reach with one line, naming no secret', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'sluice.mjs'), 'cache', 'purge', 'examples/quickstart.yaml', '--route', 'chat', '--table', 'no-such-table', '--endpoint', dynamoLocalEndpoint(), '--region', DYNAMO_LOCAL_REGION], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: DYNAMO_LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: DYNAMO_LOCAL_CREDENTIALS.secretAccessKey },
    });
    expect(run.status).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('sluice') || l.startsWith('cache'));
    expect(lines).toHaveLength(1);
    expect(run.stderr).not.toContain(DYNAMO_LOCAL_CREDENTIALS.secretAccessKey);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
