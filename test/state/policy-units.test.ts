/** Pure parts of the state policies: what the cache key holds, what an answer costs, and which window a moment falls in. */
import { describe, expect, it } from 'vitest';
import type { HeaderReader } from '../../runtime/core/request.ts';
import type { JsonObject } from '../../runtime/openai/types.ts';
import type { PlanPrice } from '../../runtime/plan.ts';
import { cacheKey } from '../../runtime/policies/cache.ts';
import { costMicroUsd } from '../../runtime/policies/cost.ts';
import { expiryOf, previousWindow, windowAt } from '../../runtime/policies/windows.ts';
import { planFrom } from '../support/compile.ts';

const plan = planFrom(`version: 1
gateway: { name: units, auth: keys }
providers:
  p: { type: openai, api_key: { env: P_KEY } }
routes:
  chat: { aliases: [chat], strategy: p/gpt-4o-mini, cache: { ttl: 1h, key_headers: [x-tenant] } }
  other: { aliases: [other], strategy: p/gpt-4o-mini, cache: { ttl: 1h } }
  shared: { aliases: [shared], strategy: p/gpt-4o-mini, cache: { ttl: 1h, scope: shared } }
consumers:
  a: { keys: [{ sha256: ${'a'.repeat(64)} }] }
  b: { keys: [{ sha256: ${'b'.repeat(64)} }] }
`);
const route = (name: string) => plan.routes[name]!;
const consumer = (name: string) => plan.consumers[name]!;
const headers = (h: Record<string, string> = {}): HeaderReader => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const base: JsonObject = { model: 'chat', messages: [{ role: 'user', content: 'Hello' }] };
const key = (body: JsonObject, o: { route?: string; consumer?: string; stream?: boolean; api?: string; h?: Record<string, string> } = {}) =>
  cacheKey(route(o.route ?? 'chat'), o.api ?? 'chat', consumer(o.consumer ?? 'a'), o.stream ?? false, body, headers(o.h));

describe('cacheKey', () => {
  it.each<[string, JsonObject]>([
    ['model alias', { model: 'gpt-4o-mini' }],
    ['messages', { messages: [{ role: 'user', content: 'Hello!' }] }],
    ['system prompt', { messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hello' }] }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] }],
    ['tool_choice', { tool_choice: 'required' }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['temperature', { temperature: 0.2 }],
    ['top_p', { top_p: 0.5 }],
    ['seed', { seed: 7 }],
    ['stop', { stop: ['\n'] }],
    ['max_tokens', { max_tokens: 10 }],
    ['max_completion_tokens', { max_completion_tokens: 10 }],
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['reasoning_effort', { reasoning_effort: 'low' }],
  ])('changes with %s', (_, change) => {
    expect(key({ ...base, ...change })).not.toBe(key(base));
  });

  it.each<[string, JsonObject]>([
    ['user', { user: 'someone' }],
    ['metadata', { metadata: { trace: 'x' } }],
    ['store', { store: true }],
    ['service_tier', { service_tier: 'flex' }],
    ['prompt_cache_key', { prompt_cache_key: 'k' }],
    ['safety_identifier', { safety_identifier: 's' }],
  ])('ignores %s (it does not change the answer)', (_, change) => {
    expect(key({ ...base, ...change })).toBe(key(base));
  });

  it('does not depend on the order of keys', () => {
    expect(key({ messages: base.messages!, model: 'chat', temperature: 0 })).toBe(key({ temperature: 0, model: 'chat', messages: base.messages! }));
  });

  it('keeps streams apart from JSON answers, and streams with a usage chunk apart from those without', () => {
    const plain = key(base, { stream: true });
    expect(plain).not.toBe(key(base));
    expect(key({ ...base, stream_options: { include_usage: true } }, { stream: true })).not.toBe(plain);
    expect(key({ ...base, stream_options: { include_usage: false } }, { stream: true })).toBe(plain);
  });

  it('is per route, per client API and per consumer, unless the route is shared', () => {
    expect(key(base, { route: 'other' })).not.toBe(key(base));
    expect(key(base, { api: 'messages' })).not.toBe(key(base));
    expect(key(base, { consumer: 'b' })).not.toBe(key(base));
    expect(key(base, { route: 'shared', consumer: 'b' })).toBe(key(base, { route: 'shared', consumer: 'a' }));
  });

  it('includes the route’s key headers, and no other header', () => {
    expect(key(base, { h: { 'x-tenant': 't1' } })).not.toBe(key(base, { h: { 'x-tenant': 't2' } }));
    expect(key(base, { h: { 'x-request-id': 'r1', traceparent: '00-1' } })).toBe(key(base));
  });
});

describe('costMicroUsd', () => {
  const price: PlanPrice = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, reasoning: 20, source: 'spec' };

  it('charges input and output at their prices (USD per million tokens → micro-USD)', () => {
    expect(costMicroUsd(price, { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 })).toBe(3000 + 1500);
  });

  it('charges cache reads, cache writes and reasoning tokens at their own rates', () => {
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 100,
      total_tokens: 1100,
      prompt_tokens_details: { cached_tokens: 600, cache_creation_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 40 },
    };
    // 200 plain input × 3 + 600 read × 0.3 + 200 written × 3.75 + 60 output × 15 + 40 reasoning × 20
    expect(costMicroUsd(price, usage)).toBe(600 + 180 + 750 + 900 + 800);
  });

  it('never counts more special tokens than the totals hold, and rounds up to whole micro-USD', () => {
    const usage = { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, prompt_tokens_details: { cached_tokens: 50, cache_creation_tokens: 50 } };
    expect(costMicroUsd(price, usage)).toBe(Math.ceil(10 * 0.3 + 15));
  });
});

describe('windowAt', () => {
  const at = Date.UTC(2026, 11, 6, 15, 30, 0); // a Sunday

  it('aligns durations to the epoch, and the previous window ends where this one starts', () => {
    const w = windowAt({ kind: 'duration', ms: 60_000 }, at + 12_345);
    expect(w).toEqual({ id: `t${at}`, start: at, end: at + 60_000 });
    expect(previousWindow(w)).toEqual({ id: `t${at - 60_000}`, start: at - 60_000, end: at });
    expect(expiryOf(w)).toBe((at + 120_000) / 1000 + 60);
  });

  it('uses UTC days, weeks from Monday and calendar months', () => {
    expect(windowAt({ kind: 'calendar', period: 'day' }, at)).toEqual({ id: 'd2026-12-06', start: Date.UTC(2026, 11, 6), end: Date.UTC(2026, 11, 7) });
    expect(windowAt({ kind: 'calendar', period: 'week' }, at)).toEqual({ id: 'w2026-11-30', start: Date.UTC(2026, 10, 30), end: Date.UTC(2026, 11, 7) });
    expect(windowAt({ kind: 'calendar', period: 'week' }, Date.UTC(2026, 11, 7))).toMatchObject({ id: 'w2026-12-07' });
    expect(windowAt({ kind: 'calendar', period: 'month' }, at)).toEqual({ id: 'm2026-12', start: Date.UTC(2026, 11, 1), end: Date.UTC(2027, 0, 1) });
    expect(windowAt({ kind: 'calendar', period: 'month' }, Date.UTC(2028, 1, 29, 23, 59))).toEqual({ id: 'm2028-02', start: Date.UTC(2028, 1, 1), end: Date.UTC(2028, 2, 1) });
  });
});
