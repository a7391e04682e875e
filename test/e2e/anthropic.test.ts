/**
 * End to end through Anthropic: the real `openai` SDK against a `sluice dev` gateway whose
 * routes target fake Anthropic Messages APIs on 127.0.0.1. Checks what the client sees and
 * what Anthropic received (translated bodies, the provider key, never the client's).
 */
import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../compiler/cli/dev.ts';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { planFrom } from '../support/compile.ts';
import { memoryLog } from '../support/context.ts';
import { errorEvent, fail, reply, startFakeAnthropic, stream, type FakeAnthropic } from '../support/fake-anthropic/index.ts';
import { collect } from './harness.ts';
import { useSecrets } from '../support/secret-scan.ts';

const CLIENT_KEY = 'sk-e2e-anthropic-client';
const KEYS = { CLAUDE_KEY: 'sk-ant-e2e-primary-key', BACKUP_KEY: 'sk-ant-e2e-backup-key' };
useSecrets(CLIENT_KEY, ...Object.values(KEYS));
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const ask = [{ role: 'user' as const, content: 'Say hello' }];
const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } },
];

function spec(claude: FakeAnthropic, backup: FakeAnthropic): string {
  const sha = createHash('sha256').update(CLIENT_KEY).digest('hex');
  return `version: 1
gateway: { name: e2e-anthropic }
providers:
  claude: { type: anthropic, base_url: "${claude.baseUrl}", api_key: { env: CLAUDE_KEY } }
  backup: { type: anthropic, base_url: "${backup.baseUrl}", api_key: { env: BACKUP_KEY }, default_max_tokens: 512 }
route_defaults:
  timeout: 2s
  first_token_timeout: 2s
  deadline: 8s
  retry: { attempts: 1, backoff: { initial: 10ms, max: 50ms } }
routes:
  solo: { aliases: [claude], strategy: claude/claude-sonnet-4-5 }
  ladder: { aliases: [ladder], strategy: { fallback: [claude/claude-sonnet-4-5, backup/claude-haiku-4-5] } }
  around:
    aliases: [around]
    strategy: { fallback: [claude/claude-sonnet-4-5, backup/claude-haiku-4-5], on: [content_filtered, rate_limited, overloaded, server, timeout, network] }
consumers:
  team: { keys: [{ sha256: ${sha} }] }
`;
}

interface Rig {
  readonly claude: FakeAnthropic;
  readonly backup: FakeAnthropic;
  readonly gateway: DevServer;
  readonly client: OpenAI;
  readonly records: RequestRecord[];
}

let rig: Rig;
beforeEach(async () => {
  const claude = await startFakeAnthropic({ name: 'claude', apiKey: KEYS.CLAUDE_KEY });
  const backup = await startFakeAnthropic({ name: 'backup', apiKey: KEYS.BACKUP_KEY });
  const log = memoryLog();
  const gateway = await startDevServer(planFrom(spec(claude, backup)), '127.0.0.1', 0, KEYS, log);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 20_000 });
  rig = { claude, backup, gateway, client, records: log.records };
});
afterEach(async () => {
  await rig.gateway.close();
  await Promise.all([rig.claude.close(), rig.backup.close()]);
});

/** Every request both fakes received, by fake name, in arrival order. */
const tried = (): string[] => [...rig.claude.requests, ...rig.backup.requests].sort((a, b) => a.seq - b.seq).map((r) => r.upstream);

describe('an Anthropic refusal', () => {
  it('is the client’s answer (finish_reason content_filter) on a route that does not fall back on content_filtered', async () => {
    rig.claude.script(reply({ text: 'I can’t help with that.', stopReason: 'refusal' }));
    const data = await rig.client.chat.completions.create({ model: 'ladder', messages: ask });
    expect(data.choices[0]?.finish_reason).toBe('content_filter');
    expect(tried()).toEqual(['claude']);
  });

  it('is routed around where the ladder lists content_filtered; the last rung’s refusal still answers', async () => {
    rig.claude.script(reply({ text: 'I can’t help with that.', stopReason: 'refusal' }));
    rig.backup.script(reply({ text: 'Here is a safe answer.' }));
    const { data, response } = await rig.client.chat.completions.create({ model: 'around', messages: ask }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Here is a safe answer.');
    expect(response.headers.get('x-sluice-provider')).toBe('backup');
    expect(tried()).toEqual(['claude', 'backup']);
    rig.claude.script(reply({ text: 'No.', stopReason: 'refusal' }));
    rig.backup.script(reply({ text: 'Also no.', stopReason: 'refusal' }));
    const last = await rig.client.chat.completions.create({ model: 'around', messages: ask });
    expect([last.choices[0]?.message.content, last.choices[0]?.finish_reason]).toEqual(['Also no.', 'content_filter']);
  });
});

describe('chat completions served by Anthropic', () => {
  it('answers a plain completion and sends Anthropic a translated body with the provider key', async () => {
    rig.claude.script(reply({ text: 'Hello there', id: 'msg_e2e_1', usage: { input_tokens: 9, output_tokens: 3, cache_read_input_tokens: 4 } }));
    const { data, response } = await rig.client.chat.completions.create({ model: 'claude', messages: ask, max_tokens: 100, user: 'u-1' }).withResponse();
    expect(data).toMatchObject({ id: 'msg_e2e_1', object: 'chat.completion', model: 'claude-sonnet-4-5' });
    expect(data.choices[0]).toMatchObject({ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' });
    expect(data.usage).toEqual({ prompt_tokens: 13, completion_tokens: 3, total_tokens: 16, prompt_tokens_details: { cached_tokens: 4, cache_creation_tokens: 0 } });
    expect(response.headers.get('x-sluice-provider')).toBe('claude');
    const sent = rig.claude.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(KEYS.CLAUDE_KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined();
    expect(JSON.stringify(sent.headers)).not.toContain(CLIENT_KEY);
    expect(sent.body).toEqual({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 100, metadata: { user_id: 'u-1' } });
  });

  it('streams text chunk by chunk, the role first, and records the reported usage', async () => {
    rig.claude.script(stream({ text: 'one two three', usage: { input_tokens: 11, output_tokens: 6 } }));
    const { text, chunks } = await collect(await rig.client.chat.completions.create({ model: 'claude', messages: ask, stream: true }));
    expect(text).toBe('one two three');
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: 'one' });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(rig.claude.requests[0]!.body).toEqual({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 4096, stream: true });
    for (let i = 0; i < 100 && rig.records.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(rig.records[0]).toMatchObject({ stream: true, status: 200, usage: { promptTokens: 11, completionTokens: 6, estimated: false } });
  });

  it('gives the usage chunk when the client asks for it', async () => {
    rig.claude.script(stream({ text: 'hi', usage: { input_tokens: 5, output_tokens: 1 } }));
    const { chunks } = await collect(await rig.client.chat.completions.create({ model: 'claude', messages: ask, stream: true, stream_options: { include_usage: true } }));
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } });
  });

  it('streams parallel tool calls after text that the SDK assembles with the right indexes, ids and names', async () => {
    rig.claude.script(
      stream({
        text: 'Checking both.',
        toolUses: [
          { id: 'toolu_w', name: 'get_weather', input: { city: 'Oslo' } },
          { id: 'toolu_t', name: 'get_time', input: { zone: 'Europe/Oslo' } },
        ],
      }),
    );
    const s = rig.client.chat.completions.stream({ model: 'claude', messages: [{ role: 'user', content: 'Weather and time in Oslo?' }], tools, parallel_tool_calls: true });
    const final = await s.finalChatCompletion();
    const message = final.choices[0]!.message;
    expect(message.content).toBe('Checking both.');
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(message.tool_calls).toEqual([
      { id: 'toolu_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      { id: 'toolu_t', type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' } },
    ]);
    expect(rig.claude.requests[0]!.body).toMatchObject({
      tools: [
        { name: 'get_weather', description: 'Weather for a city.', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string' } } } },
      ],
    });
  });

  it('sends tool results back as tool_result blocks of one user turn', async () => {
    rig.claude.script(reply({ text: 'Sunny, 14:05.' }));
    await rig.client.chat.completions.create({
      model: 'claude',
      tools,
      messages: [
        { role: 'user', content: 'Weather and time in Oslo?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }, { id: 'toolu_t', type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_w', content: 'sunny' },
        { role: 'tool', tool_call_id: 'toolu_t', content: '14:05' },
      ],
    });
    expect((rig.claude.requests[0]!.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_w', name: 'get_weather', input: { city: 'Oslo' } }, { type: 'tool_use', id: 'toolu_t', name: 'get_time', input: { zone: 'Europe/Oslo' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_w', content: 'sunny' }, { type: 'tool_result', tool_use_id: 'toolu_t', content: '14:05' }] },
    ]);
  });

  it('sends images by URL and as base64 data', async () => {
    await rig.client.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: 'https://example.com/ant.jpg' } },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });
    expect((rig.claude.requests[0]!.body as { messages: unknown[] }).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/ant.jpg' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        ],
      },
    ]);
  });

  it('sends every system prompt, including one mid-conversation, as top-level system blocks', async () => {
    await rig.client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Capital of France?' },
        { role: 'assistant', content: 'Paris.' },
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'And Germany?' },
      ],
    });
    expect(rig.claude.requests[0]!.body).toMatchObject({
      system: [
        { type: 'text', text: 'Be terse.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [
        { role: 'user', content: 'Capital of France?' },
        { role: 'assistant', content: 'Paris.' },
        { role: 'user', content: 'And Germany?' },
      ],
    });
  });

  it('refuses what Anthropic cannot take with a 400 and calls no provider', async () => {
    const err = await rig.client.chat.completions.create({ model: 'claude', messages: ask, n: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toContain('"n" is not supported');
    expect(rig.claude.requests).toHaveLength(0);
  });
});

describe('failures', () => {
  it('falls back to the second target when the stream opens with an overloaded_error event', async () => {
    rig.claude.script(errorEvent(0));
    rig.backup.script(stream({ text: 'from the backup' }));
    const { text } = await collect(await rig.client.chat.completions.create({ model: 'ladder', messages: ask, stream: true }));
    expect(text).toBe('from the backup');
    expect(tried()).toEqual(['claude', 'backup']);
    expect(rig.backup.requests[0]!.headers['x-api-key']).toBe(KEYS.BACKUP_KEY);
    expect(rig.backup.requests[0]!.body).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 512 });
  });

  it('still falls back when the error event comes after message_start and a ping, before any text', async () => {
    rig.claude.script(errorEvent(3, { type: 'overloaded_error', message: 'Overloaded' }));
    rig.backup.script(stream({ text: 'backup again' }));
    const { text, chunks } = await collect(await rig.client.chat.completions.create({ model: 'ladder', messages: ask, stream: true }));
    expect(text).toBe('backup again');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(tried()).toEqual(['claude', 'backup']);
  });

  it('ends a committed stream with an error when Anthropic fails mid-way', async () => {
    rig.claude.script(errorEvent(5, { type: 'api_error', message: 'Internal server error' }, { text: 'one two three' }));
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    const err = await (async () => {
      for await (const c of await rig.client.chat.completions.create({ model: 'ladder', messages: ask, stream: true })) chunks.push(c);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(chunks.map((c) => c.choices[0]?.delta.content).join('')).toBe('one two');
    expect(tried()).toEqual(['claude']);
  });

  it('falls back at once on a 429 whose retry-after is longer than the backoff allows', async () => {
    rig.claude.script(fail(429, { retryAfter: 30 }));
    rig.backup.script(reply({ text: 'backup here' }));
    const data = await rig.client.chat.completions.create({ model: 'ladder', messages: ask });
    expect(data.choices[0]!.message.content).toBe('backup here');
    expect(tried()).toEqual(['claude', 'backup']);
  });

  it('gives the client the 429 with its retry-after when there is nowhere else to go', async () => {
    rig.claude.script(fail(429, { retryAfter: 30, message: 'Number of request tokens has exceeded your per-minute rate limit' }));
    const err = await rig.client.chat.completions.create({ model: 'claude', messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'upstream_rate_limited' });
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('30');
    expect(tried()).toEqual(['claude']);
  });

  it('relays a prompt that is too long as context_length_exceeded and does not fall back', async () => {
    rig.claude.script(fail(400, { type: 'invalid_request_error', message: 'prompt is too long: 208656 tokens > 200000 maximum' }));
    const err = await rig.client.chat.completions.create({ model: 'ladder', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(tried()).toEqual(['claude']);
  });

  it('hides a refused provider key from the client', async () => {
    rig.claude.script(fail(401));
    const err = await rig.client.chat.completions.create({ model: 'claude', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'upstream_auth_failed' });
    expect(JSON.stringify(err)).not.toContain(KEYS.CLAUDE_KEY);
  });
});

describe('/native/anthropic with the Anthropic SDK', () => {
  it('passes a Messages call through with the provider key, body unchanged, answer and stream unchanged', async () => {
    rig.claude.script(reply({ text: 'Native hello', id: 'msg_native' }), stream({ text: 'streamed natively' }));
    const sdk = new Anthropic({ baseURL: `${rig.gateway.url}/native/claude`, apiKey: CLIENT_KEY, maxRetries: 0 });
    const params = { model: 'claude-sonnet-4-5', max_tokens: 64, system: [{ type: 'text' as const, text: 'Be brief.', cache_control: { type: 'ephemeral' as const } }], messages: [{ role: 'user' as const, content: 'Hi' }] };
    const version = { headers: { 'anthropic-version': '2099-01-01' } };
    const answer = await sdk.messages.create(params, version);
    expect(answer).toMatchObject({ id: 'msg_native', type: 'message', content: [{ type: 'text', text: 'Native hello' }] });
    const text = await sdk.messages.stream(params, version).finalText();
    expect(text).toBe('streamed natively');
    const [first, second] = rig.claude.requests;
    expect(first!.body).toEqual(params);
    expect(second!.body).toEqual({ ...params, stream: true });
    for (const r of [first!, second!]) {
      expect(r.headers['x-api-key']).toBe(KEYS.CLAUDE_KEY);
      // The client speaks the Messages API itself here, so its own version header is the one that applies.
      expect(r.headers['anthropic-version']).toBe('2099-01-01');
      expect(JSON.stringify(r.headers)).not.toContain(CLIENT_KEY);
    }
  });
});
