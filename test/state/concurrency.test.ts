/** Limits stay exact across instances: 4 processes × 50 simultaneous requests against a limit of 50 admit exactly 50, 20 rounds each for fixed and sliding windows and 5 for a limit spread over 4 shards, on DynamoDB Local (and a control round showing a non-atomic increment would be caught). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../runtime/plan.ts';
import { dynamoLocalEndpoint, freshTable } from '../setup/dynamo.ts';
import { ROOT } from '../support/cli.ts';
import { planFrom } from '../support/compile.ts';
import type { FromWorker, ToWorker, WorkerArgs } from './concurrency-worker.ts';
import { counters, storeAt, sumOf } from './support.ts';

const PROCESSES = 4;
const PER_PROCESS = 50;
const LIMIT = 50;
const ROUNDS = 20;
/** The sharded limit's rounds cost 3 more writes per refusal (it tries the other shards): fewer of them. */
const SHARDED_ROUNDS = 5;
const WINDOW_MS = 60_000;

type Kind = 'fixed' | 'sliding' | 'sharded' | 'naive';
const KINDS: readonly Kind[] = ['fixed', 'sliding', 'sharded', 'naive'];

function specOf(kind: Kind, round: number): string {
  return `version: 1
gateway: { name: conc, auth: none, runtime: { store_timeout: 10s } }
providers: { m: { type: mock } }
routes:
  chat: { aliases: [chat], strategy: m/small }
limits:
  - name: ${kind}-${round}
    requests: ${LIMIT}
    window: 1m
    scope: global
    algorithm: ${kind === 'sliding' ? 'sliding' : 'fixed'}
    on_store_error: closed
`;
}

/** The Plan of one round; the sharded limit is the fixed one spread over 4 counters, as the compiler would for a higher rate. */
function planOf(kind: Kind, round: number): Plan {
  const plan = planFrom(specOf(kind, round));
  if (kind !== 'sharded') return plan;
  return { ...plan, limits: plan.limits.map((l) => ({ ...l, shards: 4 })) };
}

const roundsOf = (kind: Kind): number => (kind === 'sharded' ? SHARDED_ROUNDS : kind === 'naive' ? 1 : ROUNDS);
const plans: Plan[] = KINDS.flatMap((kind) => Array.from({ length: ROUNDS }, (_, r) => planOf(kind, r)));
const indexOf = (kind: Kind, round: number): number => KINDS.indexOf(kind) * ROUNDS + round;

let tableName: string;
let client: DynamoDBClient;
let dir: string;
const workers: ChildProcess[] = [];
const waiting = new Map<ChildProcess, (m: FromWorker) => void>();

function next(worker: ChildProcess): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a worker did not answer within 60 s')), 60_000);
    waiting.set(worker, (m) => {
      clearTimeout(timer);
      resolve(m);
    });
  });
}

beforeAll(async () => {
  tableName = await freshTable('concurrency');
  client = (await storeAt(tableName)).client;
  dir = mkdtempSync(join(tmpdir(), 'sluice-conc-'));
  const plansFile = join(dir, 'plans.json');
  writeFileSync(plansFile, JSON.stringify(plans));
  const args: WorkerArgs = { endpoint: dynamoLocalEndpoint(), tableName, plansFile, requests: PER_PROCESS };
  for (let i = 0; i < PROCESSES; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'concurrency-worker.ts'), JSON.stringify(args)], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('message', (m: FromWorker) => waiting.get(child)?.(m));
    child.once('exit', (code) => {
      if (code !== 0) waiting.get(child)?.({ round: -1, counts: { [`worker exited ${code}: ${stderr}`]: 1 }, spreadMs: 0, tookMs: 0 });
    });
    workers.push(child);
  }
  const ready = await Promise.all(workers.map(next));
  expect(ready).toEqual(workers.map(() => ({ ready: true })));
}, 120_000);

afterAll(async () => {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.exitCode !== null || !w.connected) return resolve();
          w.once('exit', () => resolve());
          w.send({ stop: true } satisfies ToWorker);
          setTimeout(() => {
            w.kill('SIGKILL');
            resolve();
          }, 5_000).unref();
        }),
    ),
  );
  client?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The start of a round: shortly after now, and not within 3 s of a window boundary (the window must not roll over mid-round). */
function startTime(): number {
  let at = Date.now() + 100;
  if (WINDOW_MS - (at % WINDOW_MS) < 3_000) at = at - (at % WINDOW_MS) + WINDOW_MS + 100;
  return at;
}

/** Runs one round in every process at once; the summed answers and the counter the store holds afterwards. */
async function round(kind: Kind, r: number): Promise<{ answers: Record<string, number>; counter: number; lateMs: number; tookMs: number }> {
  const index = indexOf(kind, r);
  const at = startTime();
  const replies = workers.map(next);
  for (const w of workers) w.send({ round: index, at, naive: kind === 'naive' } satisfies ToWorker);
  const results = await Promise.all(replies);
  const answers: Record<string, number> = {};
  let lateMs = 0;
  let tookMs = 0;
  for (const m of results) {
    if (!('round' in m) || m.round !== index) throw new Error(`unexpected worker message ${JSON.stringify(m)}`);
    for (const [k, v] of Object.entries(m.counts)) answers[k] = (answers[k] ?? 0) + v;
    lateMs = Math.max(lateMs, m.spreadMs);
    tookMs = Math.max(tookMs, m.tookMs);
  }
  return { answers, counter: sumOf(await counters(client, tableName), `${kind}-${r}`), lateMs, tookMs };
}

describe(`${PROCESSES} processes × ${PER_PROCESS} simultaneous requests, limit ${LIMIT}`, () => {
  it.each(KINDS.filter((k) => k !== 'naive').map((kind) => [kind, roundsOf(kind)] as const))('%s: every one of %i rounds admits exactly 50 and refuses 150', async (kind, count) => {
    const started = Date.now();
    const rounds: Awaited<ReturnType<typeof round>>[] = [];
    for (let r = 0; r < count; r++) rounds.push(await round(kind, r));
    const took = Date.now() - started;
    const worst = (f: (x: Awaited<ReturnType<typeof round>>) => number): number => Math.max(...rounds.map(f));
    process.stderr.write(`[concurrency] ${kind}: ${count} rounds in ${(took / 1000).toFixed(1)} s (a round ≤ ${worst((x) => x.tookMs)} ms), release spread ≤ ${worst((x) => x.lateMs)} ms\n`);
    // Exactly 50 × 200 and 150 × 429 rate_limited in every round, and the counter holds exactly 50.
    expect(rounds.map((x) => ({ answers: x.answers, counter: x.counter }))).toEqual(
      Array.from({ length: count }, () => ({ answers: { '200': LIMIT, '429 rate_limited': PROCESSES * PER_PROCESS - LIMIT }, counter: LIMIT })),
    );
  }, 300_000);

  it('would catch over-admission: with a read-then-write increment the same round admits more than 50', async () => {
    const { answers, counter } = await round('naive', 0);
    process.stderr.write(`[concurrency] control: a read-then-write increment admitted ${answers['200'] ?? 0} of ${PROCESSES * PER_PROCESS}\n`);
    expect((answers['200'] ?? 0) + (answers['429 rate_limited'] ?? 0)).toBe(PROCESSES * PER_PROCESS);
    expect(answers['200']).toBeGreaterThan(LIMIT);
    expect(counter).toBe(answers['200']);
  });

  it('spreads the sharded limit over 4 counters that together hold exactly 50', async () => {
    const values = await counters(client, tableName);
    const shardKeys = Object.keys(values).filter((k) => k.startsWith('c#sharded-0#'));
    expect(shardKeys.map((k) => k.split('|')[0]!.replace(/^.*#(s\d)$/, '$1')).sort()).toEqual(['s0', 's1', 's2', 's3']);
    // Shares of 50 over 4 shards: 13, 13, 12, 12.
    expect(shardKeys.map((k) => values[k]).sort()).toEqual([12, 12, 13, 13]);
  });

  it('gives a high requests rate shards: ceil(rate / 500 per second)', () => {
    const shardsOf = (requests: number, window: string): number =>
      planFrom(`version: 1
gateway: { name: s, auth: none }
providers: { m: { type: mock } }
routes: { chat: { strategy: m/x } }
limits: [{ requests: ${requests}, window: ${window}, scope: global }]
`).limits[0]!.shards;
    expect([shardsOf(30_000, '1m'), shardsOf(30_001, '1m'), shardsOf(90_000, '1m'), shardsOf(1_000, '1s'), shardsOf(1_001, '1s')]).toEqual([1, 2, 3, 2, 3]);
  });
});
