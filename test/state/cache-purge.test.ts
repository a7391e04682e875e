/** `sluice cache purge` as a process against `sluice dev` as a process (in a temp project): --route, --consumer and both invalidate exactly their entries, shared entries go only with their route, and a purge works on the store's files while dev is stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_DYNAMO_CREDENTIALS, EMBEDDED_DYNAMO_REGION, readStoreAdvert } from '../../runtime/node/embedded-dynamodb.ts';
import { ROOT, sluice } from '../support/cli.ts';
import { cacheEntries, cacheWritten } from './support.ts';

const KEYS = { alice: 'sk-purge-alice', bob: 'sk-purge-bob' } as const;
type Who = keyof typeof KEYS;
type RouteName = 'chat' | 'other' | 'common';
const sha = (k: string): string => createHash('sha256').update(k).digest('hex');

const SPEC = `version: 1
gateway: { name: purge }
providers: { m: { type: mock } }
routes:
  chat: { aliases: [chat], strategy: m/small }
  other: { aliases: [other], strategy: m/small }
  common: { aliases: [common], strategy: m/small, cache: { scope: shared } }
consumers:
  alice: { keys: [{ sha256: ${sha(KEYS.alice)} }] }
  bob: { keys: [{ sha256: ${sha(KEYS.bob)} }] }
cache: { ttl: 1h }
`;

let dir: string;
let dev: { url: string; child: ChildProcess; store: DynamoDBClient; tableName: string } | null = null;

/** Starts `sluice dev --port 0` in the temp project, waits for its banner and state line, and connects to its store (found through its advert). */
async function startDev(): Promise<{ url: string; child: ChildProcess; store: DynamoDBClient; tableName: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'sluice.mjs'), 'dev', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice dev did not start: ${out}`)), 60_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && out.includes('state (limits, cache)')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sluice dev exited with ${code}: ${out}`)));
  });
  const advert = readStoreAdvert(dir);
  if (!advert || advert.pid !== child.pid) throw new Error(`sluice dev did not advertise its store: ${JSON.stringify(advert)}`);
  const store = new DynamoDBClient({ endpoint: advert.endpoint, region: EMBEDDED_DYNAMO_REGION, credentials: EMBEDDED_DYNAMO_CREDENTIALS });
  return { url, child, store, tableName: advert.tableName };
}

async function stopDev(): Promise<void> {
  if (!dev) return;
  const { child, store } = dev;
  dev = null;
  store.destroy();
  if (child.exitCode !== null) return;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-purge-'));
  writeFileSync(join(dir, 'gateway.yaml'), SPEC);
  dev = await startDev();
}, 120_000);

afterAll(async () => {
  dev?.store.destroy();
  if (dev && dev.child.exitCode === null) dev.child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The x-sluice-cache of one request by `who` to `route` (the same prompt every time). */
async function status(who: Who, route: RouteName): Promise<string> {
  const res = await fetch(`${dev!.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS[who]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: route, messages: [{ role: 'user', content: 'the same question' }] }),
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get('x-sluice-cache') ?? 'none';
}

/** Statuses of a list of requests, in order, as `who/route=STATUS`. */
async function statuses(list: readonly [Who, RouteName][]): Promise<string[]> {
  const out: string[] = [];
  for (const [who, route] of list) {
    const before = await cacheEntries(dev!.store, dev!.tableName);
    const s = await status(who, route);
    out.push(`${who}/${route}=${s}`);
    // The entry of a MISS is written after its response: wait for it before the next request.
    if (s === 'MISS') await cacheWritten(dev!.store, dev!.tableName, before);
  }
  return out;
}

const ALL: readonly [Who, RouteName][] = [
  ['alice', 'chat'],
  ['bob', 'chat'],
  ['alice', 'other'],
  ['bob', 'other'],
  ['alice', 'common'],
  ['bob', 'common'],
];

/** Runs `sluice cache purge …` in the project; its exit status and what it said (stdout, else the error line on stderr). */
function purge(...args: string[]): { status: number | null; out: string } {
  const r = sluice(['cache', 'purge', ...args], dir);
  return { status: r.status, out: r.status === 0 ? r.stdout.trim() : r.stderr.trim() };
}

describe('sluice cache purge', () => {
  it('starts from cached entries: a miss, then hits (shared entries shared)', async () => {
    expect(await statuses(ALL)).toEqual(['alice/chat=MISS', 'bob/chat=MISS', 'alice/other=MISS', 'bob/other=MISS', 'alice/common=MISS', 'bob/common=HIT']);
    expect(await statuses(ALL)).toEqual(ALL.map(([w, r]) => `${w}/${r}=HIT`));
  });

  it('--route invalidates that route for every consumer, and nothing else', async () => {
    expect(purge('--route', 'chat')).toEqual({ status: 0, out: 'purged the cache of route chat in the running sluice dev (generation 1)' });
    expect(await statuses(ALL)).toEqual(['alice/chat=MISS', 'bob/chat=MISS', 'alice/other=HIT', 'bob/other=HIT', 'alice/common=HIT', 'bob/common=HIT']);
  });

  it('--consumer invalidates that consumer on every route, but not shared entries', async () => {
    expect(purge('--consumer', 'alice')).toEqual({ status: 0, out: 'purged the cache of consumer alice in the running sluice dev (generation 1)' });
    expect(await statuses(ALL)).toEqual(['alice/chat=MISS', 'bob/chat=HIT', 'alice/other=MISS', 'bob/other=HIT', 'alice/common=HIT', 'bob/common=HIT']);
  });

  it('--route with --consumer invalidates only that consumer on that route', async () => {
    expect(purge('--route', 'chat', '--consumer', 'bob').status).toBe(0);
    expect(await statuses(ALL)).toEqual(['alice/chat=HIT', 'bob/chat=MISS', 'alice/other=HIT', 'bob/other=HIT', 'alice/common=HIT', 'bob/common=HIT']);
  });

  it('--route invalidates a shared route', async () => {
    expect(purge('--route', 'common').status).toBe(0);
    expect(await statuses([['bob', 'common'], ['alice', 'common']])).toEqual(['bob/common=MISS', 'alice/common=HIT']);
  });

  it('refuses names the spec does not have, changing nothing', async () => {
    expect(purge('--route', 'nope')).toEqual({ status: 2, out: expect.stringContaining('the spec has no route "nope"') });
    expect(purge('--consumer', 'carol')).toEqual({ status: 2, out: expect.stringContaining('the spec has no consumer "carol"') });
    expect(await statuses(ALL)).toEqual(ALL.map(([w, r]) => `${w}/${r}=HIT`));
  });

  it('works on the store files while sluice dev is stopped; the next dev sees it', async () => {
    await stopDev();
    expect(purge('--route', 'other')).toEqual({ status: 0, out: 'purged the cache of route other in the sluice dev store (.sluice/dynamodb) (generation 1)' });
    dev = await startDev();
    expect(await statuses(ALL)).toEqual(['alice/chat=HIT', 'bob/chat=HIT', 'alice/other=MISS', 'bob/other=MISS', 'alice/common=HIT', 'bob/common=HIT']);
  });
});
