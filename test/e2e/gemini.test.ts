/**
 * End to end with the real `openai` SDK against a `sluice dev` gateway whose routes target a
 * fake Gemini API: plain and streamed completions, parallel tool calls and their results, a
 * safety block answered as a content-filter error (or routed around), a 429 falling back,
 * embeddings — and the key only ever in `x-goog-api-key`, never in a URL.
 */
import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../compiler/cli/dev.ts';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { planFrom } from '../support/compile.ts';
import { memoryLog } from '../support/context.ts';
import { blockPrompt, fail, reply, safetyStop, startFakeGemini, type FakeGemini } from '../support/fake-gemini/index.ts';
import { fakeEmbedding } from '../support/fake-upstream/embeddings.ts';
import { reply as openaiReply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream/index.ts';
import { useSecrets } from '../support/secret-scan.ts';

const CLIENT_KEY = 'sk-e2e-gemini-team';
const GEMINI_KEY = 'AIzaSyE2E-gemini-provider-key-0123456789';
const BACKUP_KEY = 'sk-e2e-backup-provider';
useSecrets(CLIENT_KEY, GEMINI_KEY, BACKUP_KEY);
const ask = [{ role: 'user' as const, content: 'Say hello' }];

function spec(gemini: FakeGemini, backup: FakeUpstream): string {
  const sha = createHash('sha256').update(CLIENT_KEY).digest('hex');
  return `version: 1
gateway: { name: e2e-gemini }
providers:
  gem: { type: gemini, base_url: "${gemini.baseUrl}", api_key: { env: GEMINI_KEY } }
  backup: { type: openai, base_url: "${backup.baseUrl}", api_key: { env: BACKUP_KEY } }
route_defaults:
  timeout: 2s
  first_token_timeout: 2s
  deadline: 8s
  retry: { attempts: 1, backoff: { initial: 10ms, max: 50ms } }
routes:
  gemini: { aliases: [gemini], strategy: gem/gemini-2.5-flash }
  strict: { aliases: [strict], strategy: { fallback: [gem/gemini-2.5-flash, backup/gpt-4o-mini] } }
  lenient:
    aliases: [lenient]
    strategy: { fallback: [gem/gemini-2.5-flash, backup/gpt-4o-mini], on: [content_filtered, rate_limited, overloaded, server, timeout, network] }
  embed: { type: embeddings, aliases: [g-embed], strategy: gem/gemini-embedding-001 }
consumers:
  team: { keys: [{ sha256: ${sha} }] }
`;
}

interface Rig {
  readonly gemini: FakeGemini;
  readonly backup: FakeUpstream;
  readonly gateway: DevServer;
  readonly client: OpenAI;
  readonly records: RequestRecord[];
}

let rig: Rig;
beforeEach(async () => {
  // The fake refuses any request without the right x-goog-api-key (Google's 400 API_KEY_INVALID).
  const gemini = await startFakeGemini({ name: 'gemini', apiKey: GEMINI_KEY });
  const backup = await startFakeUpstream({ name: 'backup' });
  const log = memoryLog();
  const gateway = await startDevServer(planFrom(spec(gemini, backup)), '127.0.0.1', 0, { GEMINI_KEY, BACKUP_KEY }, log);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 20_000 });
  rig = { gemini, backup, gateway, client, records: log.records };
});

afterEach(async () => {
  // Whatever the test did, the key never travelled in a URL.
  for (const r of rig.gemini.requests) {
    expect(r.query).not.toHaveProperty('key');
    expect(r.path).not.toContain(GEMINI_KEY);
    expect(r.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(JSON.stringify(r.headers)).not.toContain(CLIENT_KEY);
  }
  await rig.gateway.close();
  await rig.gemini.close();
  await rig.backup.close();
});

async function recordsAfter(n: number): Promise<RequestRecord[]> {
  for (let i = 0; i < 100 && rig.records.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return rig.records;
}

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
async function collect(stream: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}
const textOf = (chunks: readonly Chunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('chat completions through Gemini', () => {
  it('answers a plain completion; system messages become systemInstruction', async () => {
    rig.gemini.script(reply({ text: 'Hello from Gemini', usage: { promptTokenCount: 7, candidatesTokenCount: 4, thoughtsTokenCount: 3 } }));
    const { data, response } = await rig.client.chat.completions
      .create({ model: 'gemini', messages: [{ role: 'system', content: 'Be brief.' }, ...ask], temperature: 0.1, max_tokens: 50 })
      .withResponse();
    expect(data.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'Hello from Gemini' }, finish_reason: 'stop' });
    expect(data.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 7, total_tokens: 14, completion_tokens_details: { reasoning_tokens: 3 } });
    expect(data.model).toBe('gemini-2.5-flash');
    expect(response.headers.get('x-sluice-provider')).toBe('gem');
    const sent = rig.gemini.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.query).toEqual({});
    expect(sent.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.1, maxOutputTokens: 50 },
    });
    const [record] = await recordsAfter(1);
    expect(record).toMatchObject({ route: 'gemini', status: 200, usage: { promptTokens: 7, completionTokens: 7, estimated: false } });
  });

  it('serves the Anthropic SDK on /v1/messages and the Responses API, translated to generateContent', async () => {
    rig.gemini.script(reply({ text: 'Bonjour from Gemini', usage: { promptTokenCount: 6, candidatesTokenCount: 4 } }), reply({ chunks: ['Streamed', ' reply'] }));
    const anthropic = new Anthropic({ baseURL: rig.gateway.url, apiKey: CLIENT_KEY, maxRetries: 0 });
    const msg = await anthropic.messages.create({ model: 'gemini', max_tokens: 64, system: 'Answer in French.', messages: [{ role: 'user', content: 'Hello' }] });
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Bonjour from Gemini' }], usage: { input_tokens: 6, output_tokens: 4 } });
    expect(rig.gemini.requests[0]!.body).toMatchObject({ systemInstruction: { parts: [{ text: 'Answer in French.' }] }, contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    const s = rig.client.responses.stream({ model: 'gemini', input: 'Say something' });
    const final = await s.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('Streamed reply');
  });

  it('streams text chunk by chunk; the usage chunk only when asked for', async () => {
    rig.gemini.script(reply({ chunks: ['one', ' two', ' three'], delayMs: 5 }), reply({ chunks: ['four', ' five'] }));
    const plain = await collect(await rig.client.chat.completions.create({ model: 'gemini', messages: ask, stream: true }));
    expect(textOf(plain)).toBe('one two three');
    expect(plain[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(plain.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(plain.some((c) => c.usage)).toBe(false);
    const withUsage = await collect(await rig.client.chat.completions.create({ model: 'gemini', messages: ask, stream: true, stream_options: { include_usage: true } }));
    expect(textOf(withUsage)).toBe('four five');
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) as number } });
    expect(rig.gemini.requests.map((r) => [r.path, r.query])).toEqual([
      ['/v1beta/models/gemini-2.5-flash:streamGenerateContent', { alt: 'sse' }],
      ['/v1beta/models/gemini-2.5-flash:streamGenerateContent', { alt: 'sse' }],
    ]);
    const records = await recordsAfter(2);
    expect(records.map((r) => [r.stream, r.status, r.usage?.estimated])).toEqual([
      [true, 200, false],
      [true, 200, false],
    ]);
  });
});

describe('tools', () => {
  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } } },
  ];
  const calls = [
    { name: 'get_weather', args: { city: 'Oslo' }, thoughtSignature: 'c2lnLTE=' },
    { name: 'get_time', args: { zone: 'Europe/Oslo' } },
  ];

  it('returns parallel function calls as tool calls, and sends their results back matched by name', async () => {
    rig.gemini.script(reply({ functionCalls: calls }), reply({ text: 'Cold, and it is two.' }));
    const first = await rig.client.chat.completions.create({ model: 'gemini', messages: [{ role: 'user', content: 'Weather and time in Oslo?' }], tools, tool_choice: 'auto' });
    const message = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(message.tool_calls?.map((c) => (c.type === 'function' ? [c.function.name, c.function.arguments] : null))).toEqual([
      ['get_weather', '{"city":"Oslo"}'],
      ['get_time', '{"zone":"Europe/Oslo"}'],
    ]);
    const ids = message.tool_calls!.map((c) => c.id);
    expect(new Set(ids).size).toBe(2);
    expect(rig.gemini.requests[0]!.body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } }, { name: 'get_time' }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
    });

    // The SDK's message goes back as it came (extra_content with the thought signature included).
    const second = await rig.client.chat.completions.create({
      model: 'gemini',
      tools,
      messages: [
        { role: 'user', content: 'Weather and time in Oslo?' },
        message,
        { role: 'tool', tool_call_id: ids[1]!, content: '{"time":"14:00"}' },
        { role: 'tool', tool_call_id: ids[0]!, content: 'cold' },
      ],
    });
    expect(second.choices[0]!.message.content).toBe('Cold, and it is two.');
    expect((rig.gemini.requests[1]!.body as { contents: unknown }).contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather and time in Oslo?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'c2lnLTE=' },
          { functionCall: { name: 'get_time', args: { zone: 'Europe/Oslo' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_time', response: { time: '14:00' } } },
          { functionResponse: { name: 'get_weather', response: { output: 'cold' } } },
        ],
      },
    ]);
  });

  it('streams parallel function calls with distinct indexes, ids and names', async () => {
    rig.gemini.script(reply({ text: 'Checking.', functionCalls: calls }));
    const chunks = await collect(await rig.client.chat.completions.create({ model: 'gemini', messages: ask, tools, stream: true }));
    const seen = new Map<number, { id: string; name: string; args: string }>();
    for (const c of chunks) {
      for (const t of c.choices[0]?.delta.tool_calls ?? []) {
        const cur = seen.get(t.index) ?? { id: '', name: '', args: '' };
        seen.set(t.index, { id: cur.id || (t.id ?? ''), name: cur.name || (t.function?.name ?? ''), args: cur.args + (t.function?.arguments ?? '') });
      }
    }
    expect([...seen.keys()]).toEqual([0, 1]);
    expect([...seen.values()].map((v) => [v.name, v.args])).toEqual([
      ['get_weather', '{"city":"Oslo"}'],
      ['get_time', '{"zone":"Europe/Oslo"}'],
    ]);
    expect(seen.get(0)!.id).not.toBe(seen.get(1)!.id);
    expect(textOf(chunks)).toBe('Checking.');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });
});

describe('safety blocks', () => {
  it('a blocked prompt is a content-filter error when the route does not fall back on content_filtered', async () => {
    rig.gemini.script(blockPrompt('SAFETY'));
    const err = await rig.client.chat.completions.create({ model: 'strict', messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, code: 'content_filter', type: 'invalid_request_error' });
    expect((err as Error).message).toContain('Gemini blocked the prompt (SAFETY)');
    expect(rig.gemini.requests).toHaveLength(1);
    expect(rig.backup.requests).toHaveLength(0);
  });

  it('is routed around when the fallback lists content_filtered', async () => {
    rig.gemini.script(blockPrompt('PROHIBITED_CONTENT'));
    rig.backup.script(openaiReply({ content: 'Hello from the backup' }));
    const { data, response } = await rig.client.chat.completions.create({ model: 'lenient', messages: ask }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from the backup');
    expect(response.headers.get('x-sluice-provider')).toBe('backup');
    expect(response.headers.get('x-sluice-attempts')).toBe('2');
    expect(rig.gemini.requests).toHaveLength(1);
    const [record] = await recordsAfter(1);
    expect(record!.attempts.map((a) => [a.provider, a.errorClass])).toEqual([
      ['gem', 'content_filtered'],
      ['backup', null],
    ]);
  });

  it('an answer stopped for safety before any content, streamed, falls back too', async () => {
    rig.gemini.script(safetyStop());
    rig.backup.script(openaiReply({ content: 'Safe answer' }));
    const chunks = await collect(await rig.client.chat.completions.create({ model: 'lenient', messages: ask, stream: true }));
    expect(textOf(chunks)).toBe('Safe answer');
  });

  it('a safety stop after text ends the committed stream with a content-filter error', async () => {
    rig.gemini.script(safetyStop('Here is how'));
    const stream = await rig.client.chat.completions.create({ model: 'strict', messages: ask, stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(seen.join('')).toBe('Here is how');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toContain('part way through the answer');
    expect(rig.backup.requests).toHaveLength(0);
  });
});

describe('rate limits', () => {
  it('a 429 RESOURCE_EXHAUSTED asking for a longer wait than the backoff allows falls back at once', async () => {
    rig.gemini.script(fail(429, { message: 'You exceeded your current quota.', retryDelay: '30s' }));
    rig.backup.script(openaiReply({ content: 'Hello from the backup' }));
    const { data, response } = await rig.client.chat.completions.create({ model: 'strict', messages: ask }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from the backup');
    expect(response.headers.get('x-sluice-provider')).toBe('backup');
    expect(rig.gemini.requests).toHaveLength(1);
    expect(rig.backup.requests).toHaveLength(1);
  });

  it('a 429 without a long wait is retried once, then falls back', async () => {
    rig.gemini.script(fail(429), fail(429));
    const data = await rig.client.chat.completions.create({ model: 'strict', messages: ask });
    expect(data.choices[0]!.message.content).toContain('backup');
    expect(rig.gemini.requests).toHaveLength(2);
  });

  it('with nowhere to fall back, the client gets a rate-limit error with Retry-After', async () => {
    rig.gemini.script(fail(429, { retryDelay: '30s' }));
    const err = await rig.client.chat.completions.create({ model: 'gemini', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, code: 'upstream_rate_limited' });
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('30');
  });
});

describe('embeddings', () => {
  it('embeds a list through batchEmbedContents; the SDK’s base64 encoding decodes to Gemini’s values', async () => {
    const res = await rig.client.embeddings.create({ model: 'g-embed', input: ['The food was delicious.', 'The waiter was friendly.'], dimensions: 4 });
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(res.data[0]!.embedding).toEqual(fakeEmbedding('The food was delicious.', 4));
    expect(res.data[1]!.embedding).toEqual(fakeEmbedding('The waiter was friendly.', 4));
    expect(res.usage).toEqual({ prompt_tokens: 12, total_tokens: 12 });
    const sent = rig.gemini.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'The food was delicious.' }] }, outputDimensionality: 4 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'The waiter was friendly.' }] }, outputDimensionality: 4 },
      ],
    });
  });

  it('float encoding comes back as numbers', async () => {
    const res = await rig.client.embeddings.create({ model: 'g-embed', input: 'hello', encoding_format: 'float' });
    expect(res.data[0]!.embedding).toEqual(fakeEmbedding('hello', 8));
  });
});
