/**
 * End to end through Bedrock: the real `openai` SDK → a `sluice dev` gateway → the Bedrock
 * adapter and the AWS SDK (signing with credentials from the environment, endpoint from
 * `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`) → the fake Bedrock Runtime speaking the real wire
 * protocol (JSON, event-stream frames, exceptions).
 */
import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../compiler/cli/dev.ts';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { planFrom } from '../support/compile.ts';
import { memoryLog } from '../support/context.ts';
import { FAKE_CREDENTIALS, reply, startFakeBedrock, streamException, throttled, useAwsEnv, type FakeBedrock } from '../support/fake-bedrock/index.ts';
import { collect } from './harness.ts';
import { useSecrets } from '../support/secret-scan.ts';

const KEY = 'sk-e2e-bedrock-team';
useSecrets(KEY, FAKE_CREDENTIALS.accessKeyId, FAKE_CREDENTIALS.secretAccessKey);
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const PROFILE = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const TITAN = 'amazon.titan-embed-text-v2:0';

const SPEC = `version: 1
gateway: { name: e2e-bedrock }
providers:
  bedrock: { type: bedrock, region: us-east-1 }
route_defaults:
  timeout: 5s
  first_token_timeout: 5s
  deadline: 10s
routes:
  haiku:
    aliases: [haiku]
    strategy: bedrock/${HAIKU}
  profile:
    aliases: [profile]
    strategy: bedrock/${PROFILE}
  resilient:
    aliases: [resilient]
    retry: { attempts: 0 }
    strategy:
      fallback:
        - bedrock/${HAIKU}
        - bedrock/${NOVA}
  embed:
    type: embeddings
    aliases: [embed]
    strategy: bedrock/${TITAN}
consumers:
  team: { keys: [{ sha256: ${createHash('sha256').update(KEY).digest('hex')} }] }
`;

const ask = [{ role: 'user' as const, content: 'Hello there' }];
const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'get_time', description: 'Time in a zone.', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } } },
];

let fake: FakeBedrock;
let gateway: DevServer;
let client: OpenAI;
let records: RequestRecord[];

beforeAll(async () => {
  fake = await startFakeBedrock();
});
useAwsEnv(() => fake.url);
beforeAll(async () => {
  const log = memoryLog();
  records = log.records;
  gateway = await startDevServer(planFrom(SPEC), '127.0.0.1', 0, {}, log);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0, timeout: 20_000 });
});
afterAll(async () => {
  await gateway?.close();
  await fake?.close();
});

let seen = 0;
beforeEach(() => {
  seen = fake.requests.length;
});
/** Requests the fake received during this test. */
const received = () => fake.requests.slice(seen);

async function recordsAfter(n: number): Promise<RequestRecord[]> {
  for (let i = 0; i < 100 && records.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return records;
}

describe('Bedrock end to end', () => {
  it('answers a chat completion through Converse, with usage, from a SigV4-signed request', async () => {
    const before = records.length;
    const { data, response } = await client.chat.completions.create({ model: 'haiku', messages: ask, max_tokens: 50 }).withResponse();
    expect(data.choices[0]?.message.content).toBe(`Hello from ${HAIKU}`);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-sluice-provider')).toBe('bedrock');
    const [req] = received();
    expect(req).toMatchObject({ operation: 'converse', modelId: HAIKU, body: { messages: [{ role: 'user', content: [{ text: 'Hello there' }] }], inferenceConfig: { maxTokens: 50 } } });
    expect(String(req!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    const [record] = (await recordsAfter(before + 1)).slice(before);
    expect(record).toMatchObject({ status: 200, usage: { estimated: false, promptTokens: data.usage?.prompt_tokens } });
  });

  it('serves the Anthropic SDK on /v1/messages through ConverseStream, and the Responses API through Converse', async () => {
    fake.script(reply('Messages via Bedrock.'), reply('Responses via Bedrock.'));
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0 });
    const final = await anthropic.messages.stream({ model: 'haiku', max_tokens: 64, messages: [{ role: 'user', content: 'Hello there' }] }).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Messages via Bedrock.' }]);
    expect(final.stop_reason).toBe('end_turn');
    const r = await client.responses.create({ model: 'haiku', input: 'Hello there' });
    expect(r.output_text).toBe('Responses via Bedrock.');
    expect(received().map((q) => [q.operation, q.modelId])).toEqual([
      ['converse-stream', HAIKU],
      ['converse', HAIKU],
    ]);
  });

  it('streams a chat completion through ConverseStream', async () => {
    fake.script(reply('Streaming from Bedrock works.'));
    const { text, chunks } = await collect(await client.chat.completions.create({ model: 'haiku', messages: ask, stream: true, stream_options: { include_usage: true } }));
    expect(text).toBe('Streaming from Bedrock works.');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(received()[0]).toMatchObject({ operation: 'converse-stream', modelId: HAIKU });
  });

  it('streams parallel tool calls with their indexes, ids and names', async () => {
    fake.script(
      reply('Checking both.', [
        { id: 'tooluse_weather_1', name: 'get_weather', input: { city: 'Oslo' } },
        { id: 'tooluse_time_2', name: 'get_time', input: { zone: 'Europe/Oslo' } },
      ]),
    );
    const { text, chunks } = await collect(await client.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'Weather and time in Oslo?' }], tools, stream: true }));
    expect(text).toBe('Checking both.');
    const calls: { id?: string; name?: string; args: string }[] = [];
    for (const c of chunks) {
      for (const t of c.choices[0]?.delta.tool_calls ?? []) {
        calls[t.index] ??= { args: '' };
        if (t.id) calls[t.index]!.id = t.id;
        if (t.function?.name) calls[t.index]!.name = t.function.name;
        calls[t.index]!.args += t.function?.arguments ?? '';
      }
    }
    expect(calls).toEqual([
      { id: 'tooluse_weather_1', name: 'get_weather', args: '{"city":"Oslo"}' },
      { id: 'tooluse_time_2', name: 'get_time', args: '{"zone":"Europe/Oslo"}' },
    ]);
    // The first delta of each call carries id and name; later ones only argument fragments.
    const firsts = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).filter((t) => t.id);
    expect(firsts.map((t) => [t.index, t.function?.arguments])).toEqual([
      [0, ''],
      [1, ''],
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(received()[0]!.body).toMatchObject({ toolConfig: { tools: [{ toolSpec: { name: 'get_weather' } }, { toolSpec: { name: 'get_time' } }] } });
  });

  it('calls a cross-region inference profile by its id', async () => {
    const data = await client.chat.completions.create({ model: 'profile', messages: ask });
    expect(data.choices[0]?.message.content).toBe(`Hello from ${PROFILE}`);
    expect(data.model).toBe(PROFILE);
    expect(received()[0]).toMatchObject({ modelId: PROFILE, path: `/model/${encodeURIComponent(PROFILE)}/converse` });
  });

  it('falls back to the second target when the first throws ThrottlingException', async () => {
    fake.script(throttled());
    const { data, response } = await client.chat.completions.create({ model: 'resilient', messages: ask }).withResponse();
    expect(data.choices[0]?.message.content).toBe(`Hello from ${NOVA}`);
    expect(received().map((r) => r.modelId)).toEqual([HAIKU, NOVA]);
    expect(response.headers.get('x-sluice-attempts')).toBe('2');
  });

  it('falls back when the stream’s first event is an exception', async () => {
    fake.script(streamException('throttlingException', 'Too many tokens, please wait before trying again.', 0));
    const { text } = await collect(await client.chat.completions.create({ model: 'resilient', messages: ask, stream: true }));
    expect(text).toBe(`Hello from ${NOVA}`);
    expect(received().map((r) => [r.operation, r.modelId])).toEqual([
      ['converse-stream', HAIKU],
      ['converse-stream', NOVA],
    ]);
  });

  it('ends a stream with an error event when an exception comes after content', async () => {
    fake.script(streamException('modelStreamErrorException', 'The model stream failed.', 3));
    const err = await collect(await client.chat.completions.create({ model: 'resilient', messages: ask, stream: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(received()).toHaveLength(1);
  });

  it('answers embeddings through InvokeModel (Titan), one call per input', async () => {
    const data = await client.embeddings.create({ model: 'embed', input: ['The food was delicious.', 'The waiter was friendly.'] });
    expect(data.data.map((d) => d.index)).toEqual([0, 1]);
    expect(data.data[0]?.embedding).toHaveLength(8);
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    expect(received().map((r) => [r.operation, r.modelId, r.body])).toEqual([
      ['invoke', TITAN, { inputText: 'The food was delicious.' }],
      ['invoke', TITAN, { inputText: 'The waiter was friendly.' }],
    ]);
  });

  it('sent every request SigV4-signed', () => {
    expect(fake.requests.length).toBeGreaterThan(8);
    for (const r of fake.requests) expect(String(r.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 /);
  });
});
