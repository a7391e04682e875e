/** `concurrent` limits on DynamoDB Local: a lease is held while a request is in flight and given back when it succeeds (JSON or stream), fails upstream, times out or is abandoned by its client, and a dead holder's lease stops counting two epochs later. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeDeps } from '../../runtime/core/context.ts';
import { LEASE_EPOCH_MS } from '../../runtime/policies/limits.ts';
import type { Store } from '../../runtime/store/types.ts';
import { freshTable } from '../setup/dynamo.ts';
import { planFrom } from '../support/compile.ts';
import { testDeps } from '../support/context.ts';
import { fail, hang, slowHeaders, startFakeUpstream, stream, type Behaviour, type FakeUpstream } from '../support/fake-upstream/index.ts';
import { chat, chatDone, codeOf, leases, manualClock, readPieces, storeAt } from './support.ts';

let tableName: string;
let store: Store;
let client: DynamoDBClient;
let up: FakeUpstream;

beforeAll(async () => {
  tableName = await freshTable('concurrent');
  ({ store, client } = await storeAt(tableName));
  up = await startFakeUpstream({ name: 'up' });
});
afterAll(async () => {
  client?.destroy();
  await up?.close();
});

let n = 0;
/** Deps for a Plan whose only limit is `concurrent: 1` under a new name; `quick` has a 1 s timeout. */
function rig(overrides: Partial<RuntimeDeps> = {}): { deps: RuntimeDeps; limit: string } {
  const limit = `one-${++n}`;
  const plan = planFrom(`version: 1
gateway: { name: conc, auth: none, runtime: { store_timeout: 5s } }
providers:
  up: { type: openai, base_url: "${up.baseUrl}", api_key: { env: UP_KEY } }
route_defaults: { timeout: 3s, first_token_timeout: 3s, deadline: 10s, retry: { attempts: 0 } }
routes:
  chat: { aliases: [chat], strategy: up/gpt-4o-mini }
  quick: { aliases: [quick], timeout: 1s, first_token_timeout: 1s, strategy: up/gpt-4o-mini }
limits:
  - { name: ${limit}, concurrent: 1, scope: global }
`);
  return { deps: testDeps(plan, { store, env: { UP_KEY: 'sk-upstream-test-key' }, ...overrides }), limit };
}

/** The lease total of a limit (0 when it has no lease item yet). */
async function held(limit: string): Promise<number> {
  const all = await leases(client, tableName);
  return Object.entries(all).find(([k]) => k.startsWith(`l#${limit}#`))?.[1] ?? 0;
}

const ask = (model = 'chat', extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'Hello' }], ...extra });

/**
 * Starts a request the fake answers with `behaviour`, checks that it holds the one place (a
 * second request is refused without reaching the provider), lets `finish` end it, and returns
 * what its client saw.
 */
async function whileInFlight(deps: RuntimeDeps, limit: string, behaviour: Behaviour, finish: (res: Response) => Promise<string>, body = ask()): Promise<{ status: number; text: string }> {
  up.reset();
  up.script(behaviour);
  const first = chat(deps, body);
  await up.waitForRequests(1);
  expect(await held(limit)).toBe(1);
  const second = await chatDone(deps, ask());
  expect({ status: second.status, code: codeOf(second.text) }).toEqual({ status: 429, code: 'too_many_concurrent' });
  expect(up.count).toBe(1);
  const { res, ctx } = await first;
  const text = await finish(res);
  await ctx.settle();
  return { status: res.status, text };
}

/** After the request: no place is held, and the next request is admitted. */
async function released(deps: RuntimeDeps, limit: string): Promise<void> {
  expect(await held(limit)).toBe(0);
  up.reset();
  expect((await chatDone(deps, ask())).status).toBe(200);
  expect(await held(limit)).toBe(0);
}

const readAll = async (res: Response): Promise<string> => (await readPieces(res)).join('');

describe('a concurrency lease', () => {
  it('is released when a JSON answer succeeds', async () => {
    const { deps, limit } = rig();
    const r = await whileInFlight(deps, limit, slowHeaders(300), readAll);
    expect(r.status).toBe(200);
    await released(deps, limit);
  });

  it('is released when a stream succeeds', async () => {
    const { deps, limit } = rig();
    const r = await whileInFlight(deps, limit, stream({ chunks: ['a', 'b', 'c', 'd'], delayMs: 100 }), readAll, ask('chat', { stream: true }));
    expect(r.status).toBe(200);
    expect(r.text).toContain('data: [DONE]');
    await released(deps, limit);
  });

  it('is released when the provider fails', async () => {
    const { deps, limit } = rig();
    const r = await whileInFlight(deps, limit, slowHeaders(300, fail(500)), readAll);
    expect(r.status).toBe(502);
    await released(deps, limit);
  });

  it('is released when the attempt times out', async () => {
    const { deps, limit } = rig();
    const r = await whileInFlight(deps, limit, hang(), readAll, ask('quick'));
    expect({ status: r.status, code: codeOf(r.text) }).toEqual({ status: 504, code: 'upstream_timeout' });
    await released(deps, limit);
  });

  it('is released when the client goes away mid-stream', async () => {
    const { deps, limit } = rig();
    const abort = new AbortController();
    up.reset();
    up.script(stream({ chunks: Array.from({ length: 30 }, (_, i) => `piece ${i} `), delayMs: 100 }));
    const { res, ctx } = await chat(deps, ask('chat', { stream: true }), {}, abort.signal);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('piece 0');
    expect(await held(limit)).toBe(1);
    abort.abort();
    await reader.cancel();
    await ctx.settle();
    await up.waitForSettled();
    expect(up.requests[0]!.outcome).toBe('client-closed');
    expect(up.requests[0]!.eventsSent).toBeLessThan(30);
    await released(deps, limit);
  });
});

describe('a concurrency lease after an unexpected failure', () => {
  it('is released when the pipeline itself throws after admission (a bug, not a provider error)', async () => {
    const broken = () => {
      throw new Error('breaker board broke');
    };
    const { deps, limit } = rig({ breakers: { acquire: broken, available: broken, success: broken, failure: broken, release: broken } });
    up.reset();
    const r = await chatDone(deps, ask());
    expect({ status: r.status, code: codeOf(r.text) }).toEqual({ status: 500, code: 'internal_error' });
    expect(r.text).not.toContain('breaker board broke');
    expect(up.count).toBe(0);
    expect(await held(limit)).toBe(0);
  });
});

describe("a dead holder's lease", () => {
  // A future moment at the start of an even epoch (slot A); the lease item's TTL is then in the future too.
  const T = (Math.floor(Date.UTC(2030, 0, 7) / LEASE_EPOCH_MS / 2) * 2 + 2) * LEASE_EPOCH_MS + 1_000;

  it('counts until two epochs later, then stops counting', async () => {
    const clock = manualClock(T);
    // An instance that dies after taking its lease: it never gives it back.
    const dying = rig({ store: { ...store, release: () => Promise.resolve() }, clock });
    up.reset();
    expect((await chatDone(dying.deps, ask())).status).toBe(200);
    expect(await held(dying.limit)).toBe(1);
    const healthy = { ...dying.deps, store };
    const statusAt = async (at: number): Promise<[number, string | null]> => {
      clock.set(at);
      const r = await chatDone(healthy, ask());
      return [r.status, codeOf(r.text)];
    };
    expect(await statusAt(T + 60_000)).toEqual([429, 'too_many_concurrent']);
    // Next epoch: the lease sits in the other slot and still counts.
    expect(await statusAt(T + LEASE_EPOCH_MS)).toEqual([429, 'too_many_concurrent']);
    expect(await statusAt(T + 2 * LEASE_EPOCH_MS - 2_000)).toEqual([429, 'too_many_concurrent']);
    // Two epochs later its slot rolls over: written off.
    expect(await statusAt(T + 2 * LEASE_EPOCH_MS)).toEqual([200, null]);
    expect(await held(dying.limit)).toBe(0);
  });
});
