/**
 * The hot path's store traffic, counted at the DynamoDB client: before the upstream call a
 * request makes one round of parallel calls (every limit and the cache lookup, none waiting
 * for another), and its settlement happens after the answer. The documented exceptions
 * (docs/decisions.md: a sliding limit's first read of its previous window, a lease's first
 * use in an epoch) are warmed up first.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeDeps } from '../../runtime/core/context.ts';
import { freshTable } from '../setup/dynamo.ts';
import { planFrom } from '../support/compile.ts';
import { testDeps } from '../support/context.ts';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream/index.ts';
import { chatDone, manualClock, sha, storeAt } from './support.ts';

const KEY = 'sk-rounds-team';

interface Sent {
  readonly command: string;
  /** Store calls that had completed when this one started. */
  readonly afterCompleted: number;
  /** Upstream requests seen when this one started. */
  readonly upstreamBefore: number;
}

let up: FakeUpstream;
let client: DynamoDBClient;
let deps: RuntimeDeps;
const sent: Sent[] = [];
let completed = 0;

beforeAll(async () => {
  up = await startFakeUpstream({ name: 'up' });
  const tableName = await freshTable('rounds');
  const { store, client: c } = await storeAt(tableName);
  client = c;
  // Count every call the store makes, as DynamoDB would see them.
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { send: (...args: unknown[]) => Promise<unknown> }).send = (...args: unknown[]) => {
    sent.push({ command: (args[0] as object).constructor.name, afterCompleted: completed, upstreamBefore: up.count });
    return send(...args).finally(() => completed++);
  };
  const plan = planFrom(`version: 1
gateway: { name: rounds, runtime: { store_timeout: 5s } }
providers:
  up: { type: openai, base_url: "${up.baseUrl}", api_key: { env: UP_KEY } }
routes:
  chat: { aliases: [chat], strategy: up/gpt-4o-mini, retry: { attempts: 0 } }
consumers:
  team:
    keys: [{ sha256: ${sha(KEY)} }]
    limits:
      - { requests: 1000, window: 1h }
      - { tokens: 1000000, window: 1h }
      - { budget_usd: 100, window: month }
      - { concurrent: 10 }
limits:
  - { name: everyone, requests: 100000, window: 1m, algorithm: sliding, scope: global }
prices:
  up/gpt-4o-mini: { input: 1, output: 2 }
cache: { ttl: 1h }
`);
  // A fixed clock: on the wall clock a run could cross a window boundary after the warm-up, and
  // the sliding limit would read its previous window again inside the measured requests.
  deps = testDeps(plan, { store, env: { UP_KEY: 'sk-rounds-upstream' }, clock: manualClock(Date.UTC(2030, 0, 7, 12, 0, 10)) });
});
afterAll(async () => {
  client?.destroy();
  await up?.close();
});

const ask = (n: number) => ({ model: 'chat', max_tokens: 20, messages: [{ role: 'user', content: `question ${n}` }] });

describe('store rounds on the hot path', () => {
  it('makes one round of parallel store calls before the upstream call, and settles after it', async () => {
    // Warm-up: the sliding limit reads its previous window once per window, the lease rolls its epoch once.
    up.fallback = reply({ content: 'ok', usage: { prompt_tokens: 5, completion_tokens: 5 } });
    expect((await chatDone(deps, ask(0), { authorization: `Bearer ${KEY}` })).status).toBe(200);
    for (let n = 1; n <= 3; n++) {
      sent.length = 0;
      const startedWith = completed;
      const upstreamAtStart = up.count;
      const r = await chatDone(deps, ask(n), { authorization: `Bearer ${KEY}` });
      expect(r.status).toBe(200);
      expect(up.count).toBe(upstreamAtStart + 1);
      const before = sent.filter((s) => s.upstreamBefore === upstreamAtStart);
      const after = sent.filter((s) => s.upstreamBefore > upstreamAtStart);
      // Four counters/leases and one cache lookup, all started before any of them finished.
      expect(before.map((s) => s.command).sort()).toEqual(['BatchGetItemCommand', 'UpdateItemCommand', 'UpdateItemCommand', 'UpdateItemCommand', 'UpdateItemCommand', 'UpdateItemCommand']);
      expect(before.every((s) => s.afterCompleted === startedWith)).toBe(true);
      // Settling (tokens, budget, the lease) and the cache write come after the answer.
      expect(after.length).toBeGreaterThan(0);
      expect(after.map((s) => s.command)).toContain('PutItemCommand');
    }
  });
});
