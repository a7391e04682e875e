/**
 * Request records end to end: `sluice dev` over fake providers and the embedded store, the
 * real `openai` SDK as client, and every field of the record checked for a success, a
 * fallback, a cache miss and hit, a 429 with the limit's decision, a 401 and a stream cut
 * mid-way; bodies only when the spec asks, redacted; keys in none of them (the file's
 * secret scan also runs over every record, see test/setup/record-scan.ts).
 */
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../compiler/cli/dev.ts';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../runtime/node/embedded-dynamodb.ts';
import type { Plan } from '../../runtime/plan.ts';
import { connectStore } from '../../runtime/store/dynamodb.ts';
import { planFrom } from '../support/compile.ts';
import { memoryLog } from '../support/context.ts';
import { cutStream, fail, reply, startFakeUpstreams, type FakeUpstreamFleet } from '../support/fake-upstream/index.ts';
import { findSecrets, recordsWritten, useSecrets } from '../support/secret-scan.ts';

const TEAM_KEY = 'sk-e2e-records-team';
const KEYS = { PRIMARY_KEY: 'sk-e2e-records-primary', BACKUP_KEY: 'sk-e2e-records-backup' };
useSecrets(TEAM_KEY, ...Object.values(KEYS));
const sha = (k: string): string => createHash('sha256').update(k).digest('hex');

type Names = 'primary' | 'backup';

function spec(f: FakeUpstreamFleet<Names>, name: string, logging: string): string {
  return `version: 1
gateway: { name: ${name}, runtime: { store_timeout: 5s } }
providers:
  primary: { type: openai, base_url: "${f.byName.primary.baseUrl}", api_key: { env: PRIMARY_KEY } }
  backup: { type: openai-compatible, base_url: "${f.byName.backup.baseUrl}", api_key: { env: BACKUP_KEY } }
route_defaults:
  timeout: 2s
  first_token_timeout: 2s
  retry: { attempts: 0 }
routes:
  chat: { aliases: [chat], strategy: { fallback: [primary/gpt-4o-mini, backup/llama-3.1-8b] }, cache: false }
  solo: { aliases: [solo], strategy: primary/gpt-4o-mini, cache: false }
  cached: { aliases: [cached], strategy: primary/gpt-4o-mini }
  limited: { aliases: [limited], strategy: primary/gpt-4o-mini, cache: false }
consumers:
  team:
    keys: [{ sha256: ${sha(TEAM_KEY)} }]
    limits:
      - { name: team-limited-rpm, requests: 1, window: 1h, routes: [limited] }
      - { name: team-budget, budget_usd: 50, window: day }
cache: { ttl: 1h }
prices:
  backup/llama-3.1-8b: { input: 0.2, output: 0.4 }
logging:
${logging}
`;
}

let fakes: FakeUpstreamFleet<Names>;
let embedded: EmbeddedDynamo;
let storeClient: DynamoDBClient;
let gateway: DevServer;
let bodiesGateway: DevServer;
let plan: Plan;
let client: OpenAI;
const log = memoryLog();
const bodiesLog = memoryLog();

beforeAll(async () => {
  fakes = await startFakeUpstreams<Names>(['primary', 'backup']);
  embedded = await startEmbeddedDynamo();
  const { store, client: c } = await connectStore(embedded);
  storeClient = c;
  plan = planFrom(spec(fakes, 'e2e-records', '  client_ip: hashed\n  metadata: true'));
  gateway = await startDevServer(plan, '127.0.0.1', 0, KEYS, log, store);
  const bodiesPlan = planFrom(
    spec(fakes, 'e2e-bodies', '  bodies: true\n  client_ip: none\n  metadata: false\n  redact: [email, api-key, { name: ticket, pattern: "TCK-[0-9]{6}" }]'),
  );
  bodiesGateway = await startDevServer(bodiesPlan, '127.0.0.1', 0, KEYS, bodiesLog, store);
  client = new OpenAI({
    baseURL: `${gateway.url}/v1`,
    apiKey: TEAM_KEY,
    maxRetries: 0,
    timeout: 20_000,
    defaultHeaders: { 'x-sluice-metadata': '{"feature":"search","ticket":"TCK-000042"}', 'cloudfront-viewer-country': 'DE' },
  });
});

afterAll(async () => {
  await gateway?.close();
  await bodiesGateway?.close();
  storeClient?.destroy();
  await embedded?.close();
  await fakes?.closeAll();
});

/** The record with `requestId`, once written (records are written after the response). */
async function recordOf(sink: { records: RequestRecord[] }, requestId: string | null): Promise<RequestRecord> {
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  for (let i = 0; i < 200; i++) {
    const r = sink.records.find((x) => x.requestId === requestId);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`no record for request ${requestId}`);
}

const ask = (model: string, content = 'Say hello') => ({ model, messages: [{ role: 'user' as const, content }] });
const HASHED_IP = /^sha256:[0-9a-f]{16}$/;

/** The fields every record of the main gateway shares. */
function common(): Partial<RequestRecord> {
  return { v: 1, gateway: 'e2e-records', stage: 'default', planHash: plan.hash, method: 'POST', country: 'DE' };
}

function expectTimes(r: RequestRecord, started: number): void {
  expect(Date.parse(r.time)).toBeGreaterThanOrEqual(started - 5);
  expect(Date.parse(r.time)).toBeLessThanOrEqual(Date.now());
  expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  expect(r.latencyMs).toBeLessThan(20_000);
}

describe('request records through sluice dev and the openai SDK', () => {
  it('a success: route, consumer, hashed IP, country, attempt, usage, cost, budget decision, metadata; no bodies', async () => {
    fakes.byName.primary.script(reply({ content: 'Hi there', usage: { prompt_tokens: 100, completion_tokens: 50 } }));
    const started = Date.now();
    const { response } = await client.chat.completions.create(ask('chat')).withResponse();
    const r = await recordOf(log, response.headers.get('x-sluice-request-id'));
    expect(r).toMatchObject({
      ...common(),
      endpoint: 'chat',
      path: '/v1/chat/completions',
      route: 'chat',
      consumer: 'team',
      requestedModel: 'chat',
      stream: false,
      provider: 'primary',
      model: 'gpt-4o-mini',
      status: 200,
      errorCode: null,
      cache: 'BYPASS',
      usage: { promptTokens: 100, completionTokens: 50, cachedTokens: 0, reasoningTokens: 0, estimated: false },
      // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
      costUsd: (100 * 0.15 + 50 * 0.6) / 1_000_000,
      metadata: { feature: 'search', ticket: 'TCK-000042' },
    });
    expect(r.clientIp).toMatch(HASHED_IP);
    expect(r.attempts).toEqual([{ provider: 'primary', model: 'gpt-4o-mini', status: 200, errorClass: null, latencyMs: expect.any(Number) }]);
    expect(r.limits).toHaveLength(1);
    expect(r.limits[0]).toMatchObject({ id: 'team-budget', kind: 'budget_usd', decision: 'admitted', limit: 50 });
    expect(r.limits[0]!.remaining).toBeGreaterThan(49);
    expect(r.limits[0]!.remaining).toBeLessThan(50);
    expect(r.ttfbMs).toBeGreaterThanOrEqual(0);
    expectTimes(r, started);
    expect(r).not.toHaveProperty('requestBody');
    expect(r).not.toHaveProperty('responseBody');
  });

  it('a fallback: both attempts, the one that answered, its price', async () => {
    fakes.byName.primary.script(fail(503));
    fakes.byName.backup.script(reply({ usage: { prompt_tokens: 10, completion_tokens: 20 } }));
    const { response } = await client.chat.completions.create(ask('chat')).withResponse();
    expect(response.headers.get('x-sluice-provider')).toBe('backup');
    const r = await recordOf(log, response.headers.get('x-sluice-request-id'));
    expect(r.attempts).toEqual([
      { provider: 'primary', model: 'gpt-4o-mini', status: 503, errorClass: 'overloaded', latencyMs: expect.any(Number) },
      { provider: 'backup', model: 'llama-3.1-8b', status: 200, errorClass: null, latencyMs: expect.any(Number) },
    ]);
    expect(r).toMatchObject({
      ...common(),
      route: 'chat',
      consumer: 'team',
      requestedModel: 'chat',
      stream: false,
      provider: 'backup',
      model: 'llama-3.1-8b',
      status: 200,
      errorCode: null,
      cache: 'BYPASS',
      usage: { promptTokens: 10, completionTokens: 20, cachedTokens: 0, reasoningTokens: 0, estimated: false },
      costUsd: (10 * 0.2 + 20 * 0.4) / 1_000_000,
    });
    expect(r.clientIp).toMatch(HASHED_IP);
    expect(r.limits.map((l) => [l.id, l.decision])).toEqual([['team-budget', 'admitted']]);
    expect(r.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(r.ttfbMs).toBeLessThanOrEqual(r.latencyMs);
  });

  it('a cache miss then a hit: no attempt and no cost for the hit, the original answer’s provider and usage', async () => {
    fakes.byName.primary.script(reply({ content: 'cached words', usage: { prompt_tokens: 7, completion_tokens: 3 } }));
    const first = await client.chat.completions.create(ask('cached', 'remember me')).withResponse();
    const miss = await recordOf(log, first.response.headers.get('x-sluice-request-id'));
    expect(miss).toMatchObject({ route: 'cached', cache: 'MISS', provider: 'primary', attempts: [{ provider: 'primary', status: 200 }] });
    // The entry is saved after the response; wait until a lookup finds it.
    let hit: RequestRecord | null = null;
    for (let i = 0; i < 50 && hit === null; i++) {
      const again = await client.chat.completions.create(ask('cached', 'remember me')).withResponse();
      const r = await recordOf(log, again.response.headers.get('x-sluice-request-id'));
      if (r.cache === 'HIT') hit = r;
      else await new Promise((res) => setTimeout(res, 20));
    }
    expect(hit).toMatchObject({
      ...common(),
      route: 'cached',
      consumer: 'team',
      cache: 'HIT',
      attempts: [],
      provider: 'primary',
      model: 'gpt-4o-mini',
      status: 200,
      errorCode: null,
      costUsd: 0,
      usage: { promptTokens: 7, completionTokens: 3, estimated: false },
    });
  });

  it('a 429: the refusing limit, no attempt, no usage or cost', async () => {
    const ok = await client.chat.completions.create(ask('limited')).withResponse();
    expect((await recordOf(log, ok.response.headers.get('x-sluice-request-id'))).limits).toContainEqual({ id: 'team-limited-rpm', kind: 'requests', decision: 'admitted', limit: 1, remaining: 0 });
    const err = await client.chat.completions.create(ask('limited')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const r = await recordOf(log, (err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('x-sluice-request-id'));
    expect(r).toMatchObject({
      ...common(),
      route: 'limited',
      consumer: 'team',
      status: 429,
      errorCode: 'rate_limited',
      attempts: [],
      provider: null,
      model: null,
      cache: 'BYPASS',
      usage: null,
      costUsd: null,
      ttfbMs: null,
    });
    expect(r.limits).toContainEqual({ id: 'team-limited-rpm', kind: 'requests', decision: 'refused', limit: 1, remaining: 0 });
  });

  it('a 401: no consumer, no route, and not the key that was tried', async () => {
    const stranger = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-e2e-records-unknown', maxRetries: 0, defaultHeaders: { 'cloudfront-viewer-country': 'DE' } });
    useSecrets('sk-e2e-records-unknown');
    const err = await stranger.chat.completions.create(ask('chat')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const r = await recordOf(log, (err as InstanceType<typeof OpenAI.AuthenticationError>).headers.get('x-sluice-request-id'));
    expect(r).toMatchObject({
      ...common(),
      endpoint: 'chat',
      route: null,
      consumer: null,
      requestedModel: null,
      status: 401,
      errorCode: 'invalid_api_key',
      attempts: [],
      limits: [],
      provider: null,
      usage: null,
      costUsd: null,
      cache: null,
      metadata: null,
    });
    expect(r.clientIp).toMatch(HASHED_IP);
  });

  it('a stream cut mid-way: 502 at the end, time to first byte, estimated usage from what was relayed', async () => {
    fakes.byName.primary.script(cutStream(2, { content: 'alpha beta gamma delta' }));
    const stream = await client.chat.completions.create({ ...ask('solo'), stream: true }).withResponse();
    const requestId = stream.response.headers.get('x-sluice-request-id');
    let text = '';
    const failed = await (async () => {
      for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(text.length).toBeGreaterThan(0);
    const r = await recordOf(log, requestId);
    expect(r).toMatchObject({
      ...common(),
      route: 'solo',
      stream: true,
      provider: 'primary',
      model: 'gpt-4o-mini',
      status: 502,
      errorCode: 'upstream_stream_cut',
      usage: { estimated: true, completionTokens: Math.ceil(text.length / 4) },
    });
    expect(r.usage!.promptTokens).toBeGreaterThan(0);
    expect(r.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(r.ttfbMs).toBeLessThanOrEqual(r.latencyMs);
    expect(r.costUsd).toBeGreaterThan(0);
    expect(r).toMatchObject({ consumer: 'team', requestedModel: 'solo', cache: 'BYPASS' });
    expect(r.clientIp).toMatch(HASHED_IP);
    // The attempt succeeded (its first event arrived); the stream broke afterwards.
    expect(r.attempts).toEqual([{ provider: 'primary', model: 'gpt-4o-mini', status: 200, errorClass: null, latencyMs: expect.any(Number) }]);
    expect(r.limits.map((l) => [l.id, l.decision])).toEqual([['team-budget', 'admitted']]);
  });

  it('bodies when the spec asks: redacted by its patterns, IP and metadata left out as it says', async () => {
    const secretish = 'sk-proj-abcdefghijklmnopqrstuvwxyz012345';
    fakes.byName.primary.script(reply({ content: 'Write to ops@example.com about TCK-123456' }));
    const c = new OpenAI({ baseURL: `${bodiesGateway.url}/v1`, apiKey: TEAM_KEY, maxRetries: 0, defaultHeaders: { 'x-sluice-metadata': '{"feature":"search"}' } });
    const { response } = await c.chat.completions.create(ask('solo', `Mail jane@example.com re TCK-654321 with key ${secretish}`)).withResponse();
    const r = await recordOf(bodiesLog, response.headers.get('x-sluice-request-id'));
    expect(r.clientIp).toBeNull();
    expect(r.metadata).toBeNull();
    const sent = JSON.parse(r.requestBody!) as { model: string; messages: { content: string }[] };
    expect(sent.model).toBe('solo');
    expect(sent.messages[0]!.content).toBe('Mail [redacted:email] re [redacted:ticket] with key [redacted:api-key]');
    expect(r.responseBody).toContain('Write to [redacted:email] about [redacted:ticket]');
    expect(JSON.parse(r.responseBody!)).toMatchObject({ object: 'chat.completion' });
    expect(findSecrets([r], [secretish, 'jane@example.com', 'TCK-654321', 'ops@example.com'])).toEqual([]);
  });

  it('the secret scan finds a key when one is there (so the scan after this file can fail)', () => {
    const leaked = { ...log.records[0]!, metadata: { note: `key ${KEYS.PRIMARY_KEY}` } };
    expect(findSecrets([leaked], [KEYS.PRIMARY_KEY]).length).toBeGreaterThan(0);
    expect(findSecrets([{ requestId: 'x', note: 'Bearer abc' }], [])).toHaveLength(1);
    // Every record both gateways wrote is in what the scan reads.
    expect(recordsWritten()).toEqual(expect.arrayContaining([...log.records, ...bodiesLog.records]));
    expect(recordsWritten().length).toBeGreaterThanOrEqual(9);
  });
});
