/** The response cache on DynamoDB Local: per-consumer isolation unless shared, exact HITs for JSON and streams (replayed piece by piece), the client's Cache-Control and x-sluice-cache-ttl, and no entries for errors, cut, failed or cancelled streams or answers too large. */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeDeps } from '../../runtime/core/context.ts';
import type { Store } from '../../runtime/store/types.ts';
import { freshTable } from '../setup/dynamo.ts';
import { planFrom } from '../support/compile.ts';
import { cutStream, errorInStream, fail, reply, resetMidStream, startFakeUpstream, stream, type FakeUpstream } from '../support/fake-upstream/index.ts';
import { handle } from '../../runtime/core/handle.ts';
import { testContext, testDeps } from '../support/context.ts';
import { chat, chatDone, codeOf, manualClock, post, readPieces, sha, storeAt } from './support.ts';

const KEYS = { alice: 'sk-cache-alice', bob: 'sk-cache-bob' };
const NOW = Date.UTC(2030, 0, 7, 12, 0, 0);

let tableName: string;
let store: Store;
let client: DynamoDBClient;
let up: FakeUpstream;
let deps: RuntimeDeps;
const clock = manualClock(NOW);

beforeAll(async () => {
  tableName = await freshTable('cache');
  ({ store, client } = await storeAt(tableName));
  up = await startFakeUpstream({ name: 'up' });
  const plan = planFrom(`version: 1
gateway: { name: cache, runtime: { store_timeout: 5s } }
providers:
  up: { type: openai, base_url: "${up.baseUrl}", api_key: { env: UP_KEY } }
route_defaults: { retry: { attempts: 0 } }
routes:
  chat: { aliases: [chat], strategy: up/gpt-4o-mini }
  shared: { aliases: [shared], strategy: up/gpt-4o-mini, cache: { scope: shared } }
  tiny: { aliases: [tiny], strategy: up/gpt-4o-mini, cache: { max_entry_kb: 1 } }
consumers:
  alice: { keys: [{ sha256: ${sha(KEYS.alice)} }] }
  bob: { keys: [{ sha256: ${sha(KEYS.bob)} }] }
cache:
  ttl: 1h
`);
  deps = testDeps(plan, { store, clock, env: { UP_KEY: 'sk-upstream-test' } });
});
afterAll(async () => {
  client?.destroy();
  await up?.close();
});

let prompts = 0;
/** A prompt no other test sends. */
const freshPrompt = (): string => `question ${++prompts} ${randomBytes(4).toString('hex')}`;
const body = (prompt: string, extra: Record<string, unknown> = {}, model = 'chat') => ({ model, messages: [{ role: 'user', content: prompt }], ...extra });
const as = (who: keyof typeof KEYS, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${KEYS[who]}`, ...extra });

/** Sends and reads a request; its cache status, status, body and the calls the provider got so far. */
async function send(b: unknown, headers: Record<string, string>): Promise<{ cache: string | null; status: number; text: string; pieces: string[]; calls: number }> {
  const r = await chatDone(deps, b, headers);
  return { cache: r.headers.get('x-sluice-cache'), status: r.status, text: r.text, pieces: r.pieces, calls: up.count };
}

describe('isolation', () => {
  it('gives each consumer its own entries on a per-consumer route', async () => {
    up.reset();
    const p = body(freshPrompt());
    const a1 = await send(p, as('alice'));
    const a2 = await send(p, as('alice'));
    const b1 = await send(p, as('bob'));
    const b2 = await send(p, as('bob'));
    expect([a1, a2, b1, b2].map((r) => [r.status, r.cache, r.calls])).toEqual([
      [200, 'MISS', 1],
      [200, 'HIT', 1],
      [200, 'MISS', 2],
      [200, 'HIT', 2],
    ]);
    expect(a2.text).toBe(a1.text);
    expect(b1.text).not.toBe(a1.text); // a new answer (new completion id), not alice's
    expect(b2.text).toBe(b1.text);
    expect((await send(p, as('alice'))).text).toBe(a1.text);
  });

  it('shares entries between consumers on a route whose cache is shared', async () => {
    up.reset();
    const p = body(freshPrompt(), {}, 'shared');
    const a = await send(p, as('alice'));
    const b = await send(p, as('bob'));
    expect([a.cache, b.cache, b.calls]).toEqual(['MISS', 'HIT', 1]);
    expect(b.text).toBe(a.text);
  });
});

describe('hits', () => {
  it('answers a repeated JSON request with the same bytes, without calling the provider', async () => {
    up.reset();
    const p = body(freshPrompt(), { temperature: 0 });
    const miss = await chatDone(deps, p, as('alice'));
    const hit = await chatDone(deps, p, as('alice'));
    expect([miss.headers.get('x-sluice-cache'), hit.headers.get('x-sluice-cache'), up.count]).toEqual(['MISS', 'HIT', 1]);
    expect(hit.text).toBe(miss.text);
    expect(hit.headers.get('content-type')).toBe(miss.headers.get('content-type'));
    expect([hit.headers.get('x-sluice-provider'), hit.headers.get('x-sluice-model'), hit.headers.get('x-sluice-attempts')]).toEqual(['up', 'gpt-4o-mini', '0']);
  });

  it('replays a repeated stream piece by piece with identical content', async () => {
    up.reset();
    // Events a few ms apart reach the client as pieces of their own (one read's worth is relayed as one).
    up.fallback = stream({ chunks: ['Once', ' upon', ' a', ' time'], delayMs: 3 });
    const p = body(freshPrompt(), { stream: true });
    const miss = await send(p, as('alice'));
    const hit = await send(p, as('alice'));
    expect([miss.cache, hit.cache, hit.calls]).toEqual(['MISS', 'HIT', 1]);
    expect(miss.text).toContain('data: [DONE]');
    expect(hit.pieces).toEqual(miss.pieces);
    expect(hit.pieces.length).toBeGreaterThan(2);
    up.fallback = reply();
  });

  it('replays a streamed Messages answer whole, message_stop included', async () => {
    up.reset();
    up.fallback = stream({ chunks: ['Anthropic', ' clients', ' too'] });
    const request = { model: 'chat', max_tokens: 100, stream: true, messages: [{ role: 'user', content: freshPrompt() }] };
    const read = async () => {
      const ctx = testContext(deps);
      const res = await handle(post('/v1/messages', request, { 'x-api-key': KEYS.alice, 'anthropic-version': '2023-06-01' }), ctx);
      const pieces = await readPieces(res);
      await ctx.settle();
      return { cache: res.headers.get('x-sluice-cache'), pieces };
    };
    const miss = await read();
    const hit = await read();
    expect([miss.cache, hit.cache, up.count]).toEqual(['MISS', 'HIT', 1]);
    expect(miss.pieces.join('')).toContain('event: message_stop');
    expect(hit.pieces).toEqual(miss.pieces);
    up.fallback = reply();
  });

  it('keeps streamed and JSON answers apart', async () => {
    up.reset();
    up.fallback = reply({ content: 'plain' });
    const prompt = freshPrompt();
    await send(body(prompt, { stream: true }), as('alice'));
    const json = await send(body(prompt), as('alice'));
    expect([json.cache, json.calls]).toEqual(['MISS', 2]);
    expect(JSON.parse(json.text).object).toBe('chat.completion');
    up.fallback = reply();
  });
});

describe("the client's cache headers", () => {
  it('Cache-Control: no-store neither reads nor writes', async () => {
    up.reset();
    const p = body(freshPrompt());
    const results = [await send(p, as('alice', { 'cache-control': 'no-store' })), await send(p, as('alice')), await send(p, as('alice')), await send(p, as('alice', { 'cache-control': 'no-store' }))];
    expect(results.map((r) => [r.cache, r.calls])).toEqual([
      ['BYPASS', 1],
      ['MISS', 2],
      ['HIT', 2],
      ['BYPASS', 3],
    ]);
  });

  it('Cache-Control: no-cache skips the entry but stores the fresh answer', async () => {
    up.reset();
    const p = body(freshPrompt());
    up.fallback = reply({ content: 'first answer' });
    await send(p, as('alice'));
    up.fallback = reply({ content: 'second answer' });
    const fresh = await send(p, as('alice', { 'cache-control': 'no-cache' }));
    const after = await send(p, as('alice'));
    expect([fresh.cache, after.cache, after.calls]).toEqual(['BYPASS', 'HIT', 2]);
    expect(JSON.parse(fresh.text).choices[0].message.content).toBe('second answer');
    expect(after.text).toBe(fresh.text);
    up.fallback = reply();
  });

  it('x-sluice-cache-ttl: 0 reads but does not store', async () => {
    up.reset();
    const p = body(freshPrompt());
    const results = [await send(p, as('alice', { 'x-sluice-cache-ttl': '0' })), await send(p, as('alice')), await send(p, as('alice')), await send(p, as('alice', { 'x-sluice-cache-ttl': '0' }))];
    expect(results.map((r) => [r.cache, r.calls])).toEqual([
      ['MISS', 1],
      ['MISS', 2],
      ['HIT', 2],
      ['HIT', 2],
    ]);
  });

  it('x-sluice-cache-ttl sets how long the entry lives', async () => {
    up.reset();
    const p = body(freshPrompt());
    const start = clock.now();
    await send(p, as('alice', { 'x-sluice-cache-ttl': '5' }));
    clock.advance(4_000);
    const before = await send(p, as('alice'));
    clock.advance(1_000);
    const after = await send(p, as('alice'));
    clock.set(start);
    expect([before.cache, after.cache, after.calls]).toEqual(['HIT', 'MISS', 2]);
  });

  it('x-sluice-cache-ttl never keeps an entry longer than the route’s TTL', async () => {
    up.reset();
    const p = body(freshPrompt());
    const start = clock.now();
    // Asks for a day; the route keeps answers for an hour.
    await send(p, as('alice', { 'x-sluice-cache-ttl': '86400' }));
    clock.advance(3_599_000);
    const before = await send(p, as('alice'));
    clock.advance(2_000);
    const after = await send(p, as('alice'));
    clock.set(start);
    expect([before.cache, after.cache, after.calls]).toEqual(['HIT', 'MISS', 2]);
  });
});

describe('never cached', () => {
  it.each([
    ['a client error', fail(400, { message: 'bad request', code: 'invalid_value' }), false, 400],
    ['a provider error', fail(500), false, 502],
    ['a stream cut off mid-way', resetMidStream(2, { chunks: ['a', 'b', 'c', 'd'] }), true, 200],
    ['a stream that ends without finishing', cutStream(2, { chunks: ['a', 'b', 'c', 'd'] }), true, 200],
    ['a stream with an error event', errorInStream({ afterChunks: 2, chunks: ['a', 'b', 'c', 'd'] }), true, 200],
  ])('%s', async (_, behaviour, streamed, status) => {
    up.reset();
    up.script(behaviour);
    const p = body(freshPrompt(), streamed ? { stream: true } : {});
    const failed = await send(p, as('alice'));
    expect(failed.status).toBe(status);
    if (streamed) expect(failed.text).toMatch(/data: \{"error"/);
    const next = await send(p, as('alice'));
    expect([next.status, next.cache, next.calls]).toEqual([200, 'MISS', 2]);
  });

  it('a stream the client abandons', async () => {
    up.reset();
    up.script(stream({ chunks: Array.from({ length: 20 }, (_, i) => `part ${i} `), delayMs: 50 }));
    const p = body(freshPrompt(), { stream: true });
    const abort = new AbortController();
    const { res, ctx } = await chat(deps, p, as('alice'), abort.signal);
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.cancel();
    await ctx.settle();
    const next = await send(p, as('alice'));
    expect([next.status, next.cache, next.calls]).toEqual([200, 'MISS', 2]);
    expect(next.text).toContain('data: [DONE]');
  });
});

describe('entries larger than the route allows (max_entry_kb: 1)', () => {
  const big = (chars: number): string => randomBytes(Math.ceil((chars * 3) / 4)).toString('base64').slice(0, chars);

  it('a small answer is still cached', async () => {
    up.reset();
    const p = body(freshPrompt(), {}, 'tiny');
    expect([(await send(p, as('alice'))).cache, (await send(p, as('alice'))).cache]).toEqual(['MISS', 'HIT']);
  });

  it.each([
    ['a JSON answer of 20 KB', false, 20_000],
    ['a stream of 4 KB (over the limit once compressed)', true, 4_000],
    ['a stream of 12 KB (over the limit before compression)', true, 12_000],
  ])('%s is served in full and not stored', async (_, streamed, chars) => {
    up.reset();
    const content = big(chars);
    up.fallback = streamed ? stream({ chunks: content.match(/.{1,200}/g)! }) : reply({ content });
    const p = body(freshPrompt(), streamed ? { stream: true } : {}, 'tiny');
    const first = await send(p, as('alice'));
    expect(first.status).toBe(200);
    const text = streamed
      ? first.text
          .split('\n')
          .filter((l) => l.startsWith('data: {'))
          .map((l) => (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
          .join('')
      : (JSON.parse(first.text) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    expect(text).toBe(content);
    const second = await send(p, as('alice'));
    expect([second.status, second.cache, second.calls]).toEqual([200, 'MISS', 2]);
    expect(second.text.length).toBeGreaterThan(chars);
    up.fallback = reply();
  });
});

describe('a store that fails', () => {
  it('turns lookups and writes into misses, never errors', async () => {
    const broken: Store = { ...store, cacheGet: () => Promise.reject(new Error('down')), cachePut: () => Promise.reject(new Error('down')) };
    up.reset();
    const d = { ...deps, store: broken };
    const p = body(freshPrompt());
    const r1 = await chatDone(d, p, as('alice'));
    const r2 = await chatDone(d, p, as('alice'));
    expect([r1.status, r1.headers.get('x-sluice-cache'), r2.status, r2.headers.get('x-sluice-cache'), up.count]).toEqual([200, 'MISS', 200, 'MISS', 2]);
    expect(codeOf(r2.text)).toBeNull();
  });
});
