/** Limits through the real pipeline on DynamoDB Local: a refusal leaves every counter as it was, and limits fail open or closed as configured when the store is unreachable or slower than `store_timeout`. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeDeps } from '../../runtime/core/context.ts';
import { StoreError, type Store } from '../../runtime/store/types.ts';
import { dynamoLocalEndpoint, freshTable } from '../setup/dynamo.ts';
import { planFrom } from '../support/compile.ts';
import { testDeps } from '../support/context.ts';
import { chat, chatDone, closedPort, codeOf, counters, leases, manualClock, sha, slowProxy, storeAt, sumOf } from './support.ts';

const ALICE = 'sk-limits-alice';
/** 12:00:10 UTC on a future Monday: windows of a minute, an hour and a day all start 10 s before it (a past moment would let TTL delete the counters). */
const NOW = Date.UTC(2030, 0, 7, 12, 0, 10);

const refusalSpec = `version: 1
gateway: { name: limits, runtime: { store_timeout: 5s } }
providers:
  m: { type: mock, reply: "Four words of reply." }
  # Long enough that the request in flight cannot finish (and settle its tokens) while the test
  # takes its snapshots around the refused one, even on a loaded machine.
  slow: { type: mock, latency: 2500ms }
routes:
  chat: { aliases: [chat], strategy: m/small }
  slow: { aliases: [slow], strategy: slow/small }
consumers:
  alice:
    keys: [{ sha256: ${sha(ALICE)} }]
    limits:
      - { name: alice-rpm, requests: 3, window: 1m, routes: [chat] }
      - { name: alice-tpm, tokens: 100000, window: 1m }
      - { name: alice-spend, budget_usd: 100, window: day }
      - { name: alice-conc, concurrent: 1, routes: [slow] }
limits:
  - { name: global-rpm, requests: 1000, window: 1m, scope: global }
  - { name: per-ip, requests: 1000, window: 1h, scope: ip, algorithm: sliding }
prices:
  m/small: { input: 3, output: 15 }
  slow/small: { input: 3, output: 15 }
`;

const ask = (model = 'chat', extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'Count to three' }], max_tokens: 50, ...extra });
const auth = { authorization: `Bearer ${ALICE}` };

let tableName: string;
let store: Store;
let client: DynamoDBClient;

beforeAll(async () => {
  tableName = await freshTable('limits');
  ({ store, client } = await storeAt(tableName));
});
afterAll(() => client?.destroy());

const nonZero = (values: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== 0));

/** Every counter and lease total in the table (a counter at 0 counts as absent). */
async function snapshot(): Promise<{ counters: Record<string, number>; leases: Record<string, number> }> {
  return { counters: nonZero(await counters(client, tableName)), leases: nonZero(await leases(client, tableName)) };
}

describe('a refused request leaves every counter as it was', () => {
  const plan = planFrom(refusalSpec);
  let deps: RuntimeDeps;
  beforeAll(() => void (deps = testDeps(plan, { store, clock: manualClock(NOW) })));

  it('when the requests limit refuses (the other limits had admitted it)', async () => {
    for (let i = 0; i < 3; i++) expect((await chatDone(deps, ask(), auth)).status).toBe(200);
    const before = await snapshot();
    // What three answered requests left: 3 requests in each request counter, real tokens and spend.
    expect([sumOf(before.counters, 'alice-rpm'), sumOf(before.counters, 'global-rpm'), sumOf(before.counters, 'per-ip')]).toEqual([3, 3, 3]);
    expect(sumOf(before.counters, 'alice-tpm')).toBeGreaterThan(0);
    expect(sumOf(before.counters, 'alice-spend')).toBeGreaterThan(0);
    const refused = await chatDone(deps, ask(), auth);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'rate_limited', type: 'rate_limit_error' } });
    expect(JSON.parse(refused.text).error.message).toBe('Rate limit "alice-rpm" reached: 3 requests per window. Try again in 50s.');
    expect(refused.headers.get('retry-after')).toBe('50');
    expect(await snapshot()).toEqual(before);
  });

  it('when the tokens limit refuses a request larger than it', async () => {
    const before = await snapshot();
    const refused = await chatDone(deps, ask('slow', { max_tokens: 200_000 }), auth);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('"alice-tpm"') });
    expect(await snapshot()).toEqual(before);
  });

  it('when the concurrency limit refuses (a request is in flight)', async () => {
    const first = chatDone(deps, ask('slow'), auth);
    // Wait until the first request holds its lease.
    for (let i = 0; i < 100 && !Object.values(await leases(client, tableName)).includes(1); i++) await new Promise((r) => setTimeout(r, 10));
    const during = await snapshot();
    expect(Object.values(during.leases)).toEqual([1]);
    const refused = await chatDone(deps, ask('slow'), auth);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error).toMatchObject({ code: 'too_many_concurrent', message: 'Limit "alice-conc": at most 1 requests at once. Try again when a request of yours has finished.' });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await snapshot()).toEqual(during);
    expect((await first).status).toBe(200);
    expect(Object.values(await leases(client, tableName))).toEqual([0]);
  });
});

/** A spec whose only limit fails as `mode` says. */
function failureSpec(limits: string, timeout = '200ms'): string {
  return `version: 1
gateway: { name: failing, auth: none, runtime: { store_timeout: ${timeout} } }
providers: { m: { type: mock } }
routes:
  chat: { aliases: [chat], strategy: m/small }
limits:
${limits}
prices:
  m/small: { input: 1, output: 1 }
`;
}

const OPEN = '  - { name: rpm-open, requests: 10, window: 1m, scope: global, on_store_error: open }';
const CLOSED = '  - { name: rpm-closed, requests: 10, window: 1m, scope: global, on_store_error: closed }';
const BUDGET = '  - { name: spend, budget_usd: 10, window: month, scope: global }';
const SLIDING_OPEN = '  - { name: sliding-open, requests: 10, window: 1m, scope: global, algorithm: sliding }';
const SLIDING_CLOSED = '  - { name: sliding-closed, requests: 10, window: 1m, scope: global, algorithm: sliding, on_store_error: closed }';

describe.each([
  ['unreachable (nothing listens on its port)', async () => ({ endpoint: `http://127.0.0.1:${await closedPort()}`, close: async () => undefined })],
  ['slower than store_timeout (a proxy that holds every request 1.5 s)', () => slowProxy(dynamoLocalEndpoint(), 1_500)],
])('when the store is %s', (_, makeEndpoint) => {
  let endpoint: { endpoint: string; close(): Promise<void> };
  let failing: Store;
  let failingClient: DynamoDBClient;
  beforeAll(async () => {
    endpoint = await makeEndpoint();
    ({ store: failing, client: failingClient } = await storeAt(tableName, endpoint.endpoint));
  });
  afterAll(async () => {
    failingClient?.destroy();
    await endpoint?.close();
  });

  async function send(limits: string): Promise<{ status: number; code: string | null; retryAfter: string | null; message: string | undefined; ms: number }> {
    const deps = testDeps(planFrom(failureSpec(limits)), { store: failing });
    const started = Date.now();
    const r = await chatDone(deps, ask());
    const ms = Date.now() - started;
    return { status: r.status, code: codeOf(r.text), retryAfter: r.headers.get('retry-after'), message: r.status === 200 ? undefined : (JSON.parse(r.text) as { error: { message: string } }).error.message, ms };
  }

  it('a limit that fails open admits, without waiting past the store timeout', async () => {
    const r = await send(OPEN);
    expect(r).toMatchObject({ status: 200, code: null });
    expect(r.ms).toBeLessThan(1_200);
  });

  it('a limit that fails closed refuses with 503 store_unavailable and Retry-After', async () => {
    const r = await send(CLOSED);
    expect(r).toMatchObject({ status: 503, code: 'store_unavailable', retryAfter: '1', message: 'Limit "rpm-closed" could not be checked, and it refuses requests when the store is unavailable.' });
    expect(r.ms).toBeLessThan(1_200);
  });

  it('a budget fails closed by default', async () => {
    expect(await send(BUDGET)).toMatchObject({ status: 503, code: 'store_unavailable', message: expect.stringContaining('"spend"') });
  });

  it('a sliding limit that fails closed refuses (its previous window cannot be read)', async () => {
    expect(await send(SLIDING_CLOSED)).toMatchObject({ status: 503, code: 'store_unavailable', message: expect.stringContaining('"sliding-closed"') });
  });

  it('a sliding limit that fails open admits', async () => {
    expect(await send(SLIDING_OPEN)).toMatchObject({ status: 200 });
  });

  it('a sliding limit that fails open does not switch off a fixed limit that fails closed', async () => {
    expect(await send(`${SLIDING_OPEN}\n${CLOSED}`)).toMatchObject({ status: 503, code: 'store_unavailable', message: expect.stringContaining('"rpm-closed"') });
  });

  it('with an open and a closed limit, the closed one refuses', async () => {
    expect(await send(`${OPEN}\n${CLOSED}`)).toMatchObject({ status: 503, code: 'store_unavailable', message: expect.stringContaining('"rpm-closed"') });
  });
});

describe('partial store failures', () => {
  it('a sliding limit whose previous window cannot be read still counts requests in the current window', async () => {
    // Only the read of the previous window is slow (longer than store_timeout, then a timeout
    // error); the increments work. Failing open must only skip what could not be read.
    const plan = planFrom(failureSpec('  - { name: sliding-partial, requests: 5, window: 1m, scope: global, algorithm: sliding }', '100ms'));
    let reads = 0;
    const slowReads: Store = {
      ...store,
      read: async (_, t) => {
        reads++;
        await new Promise((r) => setTimeout(r, t + 50));
        throw new StoreError(`the state store did not answer within ${t} ms`, 'timeout');
      },
    };
    const deps = testDeps(plan, { store: slowReads });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await chatDone(deps, ask())).status);
    expect(reads).toBe(7);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(sumOf(await counters(client, tableName), 'sliding-partial')).toBe(5);
  });

  it('a limit counts again once the store answers', async () => {
    const deps = testDeps(planFrom(failureSpec('  - { name: back, requests: 2, window: 1m, scope: global, on_store_error: closed }')), { store });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await chatDone(deps, ask())).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('a sliding limit spread over shards', () => {
  it('admits nothing at the start of a window that follows a full one', async () => {
    const compiled = planFrom(failureSpec('  - { name: sliding-sharded, requests: 8, window: 1m, scope: global, algorithm: sliding }', '5s'));
    const plan = { ...compiled, limits: compiled.limits.map((l) => ({ ...l, shards: 4 })) };
    const clock = manualClock(NOW - 10_000); // the first second of a minute window
    const deps = testDeps(plan, { store, clock });
    const first: number[] = [];
    for (let i = 0; i < 9; i++) first.push((await chatDone(deps, ask())).status);
    expect(first).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    // One second into the next window the previous one still weighs 59/60 of 8 = 7.9 → ceiling 0.
    clock.set(NOW - 10_000 + 60_000 + 1_000);
    const next: number[] = [];
    for (let i = 0; i < 4; i++) next.push((await chatDone(testDeps(plan, { store, clock }), ask())).status);
    expect(next).toEqual([429, 429, 429, 429]);
  });
});

describe('a fixed limit spread over shards', () => {
  it('tries the other shards one at a time: it never holds two, never gives one back', async () => {
    const compiled = planFrom(failureSpec('  - { name: shard-seq, requests: 8, window: 1h, scope: global }', '5s'));
    const plan = { ...compiled, limits: compiled.limits.map((l) => ({ ...l, shards: 4 })) };
    // The real store, watched: how many counters each increment call asks for, and every add.
    const increments: number[] = [];
    const adds: number[] = [];
    const watched: Store = Object.assign(Object.create(store) as Store, {
      increment: (ops: Parameters<Store['increment']>[0], timeoutMs: number) => {
        increments.push(ops.length);
        return store.increment(ops, timeoutMs);
      },
      add: (ops: Parameters<Store['add']>[0], timeoutMs: number) => {
        adds.push(...ops.map((o) => o.amount));
        return store.add(ops, timeoutMs);
      },
    });
    // Every request tries shard 0 first (shares of 8 over 4 shards: 2 each).
    const deps = testDeps(plan, { store: watched, clock: manualClock(NOW), random: () => 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await chatDone(deps, ask())).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    const values = Object.entries(await counters(client, tableName)).filter(([k]) => k.startsWith('c#shard-seq#'));
    expect(values.map(([, v]) => v)).toEqual([2, 2, 2, 2]);
    expect(increments.every((n) => n === 1)).toBe(true);
    expect(adds.filter((a) => a < 0)).toEqual([]);
  });
});

describe('scopes', () => {
  const scoped = (scope: string, name: string) =>
    testDeps(
      planFrom(`version: 1
gateway: { name: scopes, auth: none, runtime: { store_timeout: 5s } }
providers: { m: { type: mock } }
routes:
  chat: { aliases: [chat], strategy: m/small }
  other: { aliases: [other], strategy: m/small }
limits:
  - { name: ${name}, requests: 1, window: 1h, scope: ${scope} }
`),
      { store, clock: manualClock(NOW) },
    );
  const status = async (deps: RuntimeDeps, model: string, headers: Record<string, string> = {}) => (await chatDone(deps, ask(model), headers)).status;

  it('header: one counter per value of the header, and one for requests without it', async () => {
    const deps = scoped('"header:x-tenant"', 'per-tenant');
    const t = (v: string) => ({ 'x-tenant': v });
    expect([await status(deps, 'chat', t('a')), await status(deps, 'chat', t('b')), await status(deps, 'chat', t('a')), await status(deps, 'chat'), await status(deps, 'chat')]).toEqual([200, 200, 429, 200, 429]);
  });

  it('route: one counter per route the limit covers', async () => {
    const deps = scoped('route', 'per-route');
    expect([await status(deps, 'chat'), await status(deps, 'other'), await status(deps, 'chat'), await status(deps, 'other')]).toEqual([200, 200, 429, 429]);
  });

  it('global: one counter across routes', async () => {
    const deps = scoped('global', 'one-for-all');
    expect([await status(deps, 'chat'), await status(deps, 'other')]).toEqual([200, 429]);
  });
});

describe('rate-limit headers', () => {
  it('estimate what a sharded limit has left from the shard the request counted in', async () => {
    const compiled = planFrom(failureSpec('  - { name: hdr-sharded, requests: 40, window: 1h, scope: global }', '5s'));
    const plan = { ...compiled, limits: compiled.limits.map((l) => ({ ...l, shards: 4 })) };
    const deps = testDeps(plan, { store, clock: manualClock(NOW), random: () => 0 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { res, ctx } = await chat(deps, ask());
      await res.text();
      await ctx.settle();
      remaining.push(res.headers.get('x-ratelimit-remaining-requests') ?? '');
    }
    // Every request lands on shard 0 (10 of the 40): 9, 8, 7 left there, so about 36, 32, 28 in all.
    expect(remaining).toEqual(['36', '32', '28']);
  });

  it('name the tightest requests and tokens limits on an admitted answer', async () => {
    const deps = testDeps(
      planFrom(
        failureSpec(
          `  - { name: hdr-wide, requests: 100, window: 1m, scope: global }
  - { name: hdr-tight, requests: 4, window: 1h, scope: global }
  - { name: hdr-tokens, tokens: 5000, window: 1m, scope: global }`,
          '5s',
        ),
      ),
      { store, clock: manualClock(NOW) },
    );
    const { res, ctx } = await chat(deps, ask());
    await res.text();
    await ctx.settle();
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('x-ratelimit-')))).toEqual({
      'x-ratelimit-limit-requests': '4',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '59m50s',
      'x-ratelimit-limit-tokens': '5000',
      'x-ratelimit-remaining-tokens': '4945', // 5000 − (5 prompt tokens estimated + max_tokens 50)
      'x-ratelimit-reset-tokens': '50s',
    });
  });
});
