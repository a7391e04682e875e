/** End to end with state: the real `openai` SDK against `sluice dev` (startDevServer) over an in-memory embedded store — 401, 403, 429 with Retry-After and rate-limit headers (RateLimitError), rate-limit headers on answers, and cache HITs for JSON and streams. */
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../compiler/cli/dev.ts';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../runtime/node/embedded-dynamodb.ts';
import { connectStore } from '../../runtime/store/dynamodb.ts';
import { cacheEntries, cacheWritten } from '../state/support.ts';
import { planFrom } from '../support/compile.ts';
import { memoryLog } from '../support/context.ts';
import { useSecrets } from '../support/secret-scan.ts';
import { startFakeUpstream, stream, type FakeUpstream } from '../support/fake-upstream/index.ts';

const TEAM_KEY = 'sk-e2e-state-team';
const NATIVE_KEY = 'sk-e2e-state-native';
const MESSAGES_KEY = 'sk-e2e-state-messages';
useSecrets(TEAM_KEY, NATIVE_KEY, MESSAGES_KEY, 'sk-e2e-state-provider');
const sha = (k: string): string => createHash('sha256').update(k).digest('hex');

let up: FakeUpstream;
let embedded: EmbeddedDynamo;
let storeClient: DynamoDBClient;
let gateway: DevServer;
let client: OpenAI;

beforeAll(async () => {
  up = await startFakeUpstream({ name: 'primary' });
  embedded = await startEmbeddedDynamo();
  const { store, client: c } = await connectStore(embedded);
  storeClient = c;
  const plan = planFrom(`version: 1
gateway: { name: e2e-state }
providers:
  primary: { type: openai, base_url: "${up.baseUrl}", api_key: { env: PRIMARY_KEY } }
  other: { type: openai, base_url: "${up.baseUrl}", api_key: { env: PRIMARY_KEY } }
route_defaults: { retry: { attempts: 0 } }
routes:
  chat: { aliases: [chat], strategy: primary/gpt-4o-mini }
  limited: { aliases: [limited], strategy: primary/gpt-4o-mini, cache: false }
  admin: { aliases: [admin], strategy: { fallback: [primary/gpt-4o-mini, other/gpt-4o-mini] } }
consumers:
  messages:
    keys: [{ sha256: ${sha(MESSAGES_KEY)} }]
    routes: [limited]
    limits: [{ name: messages-rpm, requests: 1, window: 1m }]
  native:
    keys: [{ sha256: ${sha(NATIVE_KEY)} }]
    routes: [limited]
    limits: [{ name: native-rpm, requests: 2, window: 1m }]
  team:
    keys: [{ sha256: ${sha(TEAM_KEY)} }]
    routes: [chat, limited]
    limits: [{ name: team-limited-rpm, requests: 3, window: 1m, routes: [limited] }]
limits:
  - { name: everyone-rpm, requests: 1000, window: 1m, scope: global }
cache: { ttl: 1h }
`);
  // Every record goes through the file's secret scan (test/setup/record-scan.ts).
  gateway = await startDevServer(plan, '127.0.0.1', 0, { PRIMARY_KEY: 'sk-e2e-state-provider' }, memoryLog(), store);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEAM_KEY, maxRetries: 0, timeout: 20_000 });
});

afterAll(async () => {
  await gateway?.close();
  storeClient?.destroy();
  await embedded?.close();
  await up?.close();
});

const ask = (model: string, content = 'Say hello') => ({ model, messages: [{ role: 'user' as const, content }] });

/** Waits so that at least `margin` ms remain in the current minute (the 1m limit must not reset mid-test). */
async function awayFromMinuteEdge(margin = 5_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < margin) await new Promise((r) => setTimeout(r, left + 20));
}

describe('sluice dev with state, through the openai SDK', () => {
  it('401 for an unknown key', async () => {
    const bad = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-not-a-known-key', maxRetries: 0 });
    const err = await bad.chat.completions.create(ask('chat')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-sluice-cache')).toBe('BYPASS');
  });

  it('403 for a route the consumer may not use', async () => {
    const err = await client.chat.completions.create(ask('admin')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err).toMatchObject({ status: 403, code: 'route_forbidden' });
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-sluice-cache')).toBe('BYPASS');
  });

  it('rate-limit headers on answers, then 429 RateLimitError with Retry-After and the same headers', async () => {
    await awayFromMinuteEdge();
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create(ask('limited', `limited ${i}`)).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+s|1m0s|\d+ms)$/);
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const calls = up.count;
    const err = await client.chat.completions.create(ask('limited', 'one too many')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect([e.status, e.code]).toEqual([429, 'rate_limited']);
    expect(e.message).toContain('Rate limit "team-limited-rpm" reached: 3 requests per window.');
    const retryAfter = Number(e.headers?.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(e.headers?.get('x-ratelimit-limit-requests')).toBe('3');
    expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(e.headers?.get('x-ratelimit-reset-requests')).toMatch(/^(\d+s|1m0s|\d+ms)$/);
    expect(e.headers?.get('x-sluice-cache')).toBe('BYPASS');
    expect(up.count).toBe(calls);
  });

  it('a repeated request is a cache HIT with the same answer (x-sluice-cache via withResponse)', async () => {
    up.reset();
    const before = await cacheEntries(storeClient, embedded.tableName);
    const first = await client.chat.completions.create(ask('chat', 'cache me')).withResponse();
    await cacheWritten(storeClient, embedded.tableName, before); // the entry is written after the response
    const second = await client.chat.completions.create(ask('chat', 'cache me')).withResponse();
    expect([first.response.headers.get('x-sluice-cache'), second.response.headers.get('x-sluice-cache')]).toEqual(['MISS', 'HIT']);
    expect(second.data).toEqual(first.data);
    expect(up.count).toBe(1);
    // Every answer carries the rate-limit headers of the limits that apply (here the global one).
    for (const r of [first.response, second.response]) {
      expect(r.headers.get('x-ratelimit-limit-requests')).toBe('1000');
      expect(r.headers.get('x-ratelimit-remaining-requests')).toMatch(/^\d+$/);
    }
  });

  it('a repeated stream is a cache HIT with the same chunks', async () => {
    up.reset();
    up.fallback = stream({ chunks: ['Streams ', 'are ', 'cached ', 'too.'] });
    const read = async () => {
      const { data, response } = await client.chat.completions.create({ ...ask('chat', 'stream me'), stream: true }).withResponse();
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const c of data) chunks.push(c);
      return { cache: response.headers.get('x-sluice-cache'), chunks };
    };
    const before = await cacheEntries(storeClient, embedded.tableName);
    const miss = await read();
    await cacheWritten(storeClient, embedded.tableName, before);
    const hit = await read();
    expect([miss.cache, hit.cache, up.count]).toEqual(['MISS', 'HIT', 1]);
    expect(hit.chunks).toEqual(miss.chunks);
    expect(hit.chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Streams are cached too.');
    expect(hit.chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('counts native pass-through calls under the limits of the route that reaches the provider', async () => {
    await awayFromMinuteEdge();
    const nativeCall = () =>
      fetch(`${gateway.url}/native/primary/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${NATIVE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'native' }] }),
      });
    const seen: [number, string | null, string | null][] = [];
    for (let i = 0; i < 2; i++) {
      const res = await nativeCall();
      await res.arrayBuffer();
      seen.push([res.status, res.headers.get('x-sluice-route'), res.headers.get('x-ratelimit-remaining-requests')]);
    }
    expect(seen).toEqual([
      [200, 'limited', '1'],
      [200, 'limited', '0'],
    ]);
    const calls = up.count;
    const refused = await nativeCall();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(up.count).toBe(calls);
  });

  it('refuses a native call to a provider none of the caller’s routes reaches', async () => {
    const res = await fetch(`${gateway.url}/native/other/models`, { headers: { authorization: `Bearer ${TEAM_KEY}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('provider_forbidden');
  });

  it('applies the same limits to the Anthropic SDK on /v1/messages, refusing in Anthropic’s shape', async () => {
    await awayFromMinuteEdge();
    up.reset(); // an earlier test left a streaming fallback
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: MESSAGES_KEY, maxRetries: 0 });
    const ok = await anthropic.messages.create({ model: 'limited', max_tokens: 32, messages: [{ role: 'user', content: 'first' }] }).withResponse();
    expect(ok.data.type).toBe('message');
    expect(ok.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const calls = up.count;
    const err = await anthropic.messages.create({ model: 'limited', max_tokens: 32, messages: [{ role: 'user', content: 'second' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const e = err as InstanceType<typeof Anthropic.RateLimitError>;
    expect(e.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', code: 'rate_limited' } });
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(up.count).toBe(calls);
  });
});
