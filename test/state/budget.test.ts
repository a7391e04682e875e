/** Budgets on DynamoDB Local: streamed answers are charged from the Plan's prices and the usage the stream reports (at the price of the model that served, fallbacks included); past the budget the next request gets 429 budget_exceeded with Retry-After; a consumer without a budget is never refused for spend. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeDeps } from '../../runtime/core/context.ts';
import type { Store } from '../../runtime/store/types.ts';
import { freshTable } from '../setup/dynamo.ts';
import { planFrom } from '../support/compile.ts';
import { testDeps } from '../support/context.ts';
import { fail, startFakeUpstreams, stream, type FakeUpstreamFleet } from '../support/fake-upstream/index.ts';
import { chatDone, counters, manualClock, sha, storeAt, sumOf } from './support.ts';

/** One hour before the end of January 2030 (UTC): a monthly budget resets in 3600 s. */
const NOW = Date.UTC(2030, 0, 31, 23, 0, 0);
const KEYS = { spender: 'sk-budget-spender', thrifty: 'sk-budget-thrifty', free: 'sk-budget-free', crowd: 'sk-budget-crowd' };
/** What the fake reports for every stream: 200 prompt and 300 completion tokens. */
const USAGE = { prompt_tokens: 200, completion_tokens: 300 };

let tableName: string;
let store: Store;
let client: DynamoDBClient;
let fakes: FakeUpstreamFleet<'primary' | 'backup'>;
let deps: RuntimeDeps;

beforeAll(async () => {
  tableName = await freshTable('budget');
  ({ store, client } = await storeAt(tableName));
  fakes = await startFakeUpstreams(['primary', 'backup']);
  const plan = planFrom(`version: 1
gateway: { name: budget, runtime: { store_timeout: 5s } }
providers:
  primary: { type: openai, base_url: "${fakes.byName.primary.baseUrl}", api_key: { env: PRIMARY_KEY } }
  backup: { type: openai, base_url: "${fakes.byName.backup.baseUrl}", api_key: { env: BACKUP_KEY } }
route_defaults: { retry: { attempts: 0 } }
routes:
  chat: { aliases: [chat], strategy: { fallback: [primary/big-model, backup/small-model] } }
consumers:
  spender:
    keys: [{ sha256: ${sha(KEYS.spender)} }]
    limits: [{ budget_usd: 1, window: month }]
  thrifty:
    keys: [{ sha256: ${sha(KEYS.thrifty)} }]
    limits: [{ budget_usd: 1, window: month }]
  free:
    keys: [{ sha256: ${sha(KEYS.free)} }]
  crowd:
    keys: [{ sha256: ${sha(KEYS.crowd)} }]
    limits: [{ budget_usd: 0.1, window: month }]
prices:
  primary/big-model: { input: 1000, output: 2000 }
  backup/small-model: { input: 10, output: 20 }
`);
  deps = testDeps(plan, { store, clock: manualClock(NOW), env: { PRIMARY_KEY: 'sk-primary-test', BACKUP_KEY: 'sk-backup-test' } });
});
afterAll(async () => {
  client?.destroy();
  await fakes?.closeAll();
});

const ask = { model: 'chat', stream: true, max_tokens: 10, messages: [{ role: 'user', content: 'Write a lot' }] };
const as = (who: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[who]}` });
const spent = async (consumer: string): Promise<number> => sumOf(await counters(client, tableName), `${consumer}.budget-month`);

describe('a budget', () => {
  it('charges each stream its real cost at the serving model’s price, and refuses the next request once it is used up', async () => {
    fakes.byName.primary.fallback = stream({ usage: USAGE });
    const first = await chatDone(deps, ask, as('spender'));
    expect(first.status).toBe(200);
    expect(first.text).toContain('data: [DONE]');
    // 200 × $1000/M + 300 × $2000/M = $0.80, in micro-USD.
    expect(await spent('spender')).toBe(800_000);
    // $0.80 + the worst case of this request (5 + 10 tokens, about $0.025) fits in $1: admitted.
    expect((await chatDone(deps, ask, as('spender'))).status).toBe(200);
    expect(await spent('spender')).toBe(1_600_000);
    const calls = fakes.byName.primary.count;
    const refused = await chatDone(deps, ask, as('spender'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(refused.text)).toEqual({
      error: {
        code: 'budget_exceeded',
        type: 'rate_limit_error',
        param: null,
        message: 'Budget "spender.budget-month" of $1 is used up for this period. Try again in 1h0m0s.',
      },
    });
    expect(fakes.byName.primary.count).toBe(calls);
    expect(await spent('spender')).toBe(1_600_000);
  });

  it('charges at the fallback model’s price when the fallback served the stream', async () => {
    fakes.byName.primary.reset();
    fakes.byName.primary.fallback = fail(500);
    fakes.byName.backup.fallback = stream({ usage: USAGE });
    const r = await chatDone(deps, ask, as('thrifty'));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-sluice-provider')).toBe('backup');
    expect(fakes.byName.primary.count).toBe(1);
    // 200 × $10/M + 300 × $20/M = $0.008.
    expect(await spent('thrifty')).toBe(8_000);
  });

  it('never refuses a consumer that has no budget, however much it spends', async () => {
    fakes.byName.primary.reset();
    fakes.byName.primary.fallback = stream({ usage: { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await chatDone(deps, ask, as('free'))).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(Object.keys(await counters(client, tableName)).filter((k) => !k.startsWith('c#spender.') && !k.startsWith('c#thrifty.'))).toEqual([]);
  });

  it('cannot be overshot by simultaneous requests: each reserves its worst case before the call', async () => {
    fakes.byName.primary.reset();
    // Within what each request reserved: 4 prompt tokens (15 characters) and its max_tokens of 20.
    fakes.byName.primary.fallback = stream({ usage: { prompt_tokens: 4, completion_tokens: 20 } });
    const crowdAsk = { ...ask, max_tokens: 20 };
    // Worst case per request: 4 × $1000/M + 20 × $2000/M = $0.044, so $0.10 holds two, never three.
    const results = await Promise.all(Array.from({ length: 20 }, () => chatDone(deps, crowdAsk, as('crowd'))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((st) => st === 200)).toHaveLength(2);
    expect(statuses.filter((st) => st === 429)).toHaveLength(18);
    expect(results.filter((r) => r.status === 429).every((r) => (JSON.parse(r.text) as { error: { code: string } }).error.code === 'budget_exceeded')).toBe(true);
    expect(fakes.byName.primary.count).toBe(2);
    // Settled to the real usage: 2 × $0.044, within the budget.
    expect(await spent('crowd')).toBe(88_000);
  });
});
