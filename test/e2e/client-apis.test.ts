/**
 * End to end for the client APIs other than chat completions: the real `@anthropic-ai/sdk`
 * on /v1/messages and the real `openai` SDK on /v1/responses, served by providers that speak
 * them natively (passed through) and by providers that do not (translated).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../compiler/cli/dev.ts';
import { planFrom } from '../support/compile.ts';
import { closeAll, custom, reply, startFakeUpstream, stream, type FakeUpstream } from '../support/fake-upstream/index.ts';
import { CLIENT_KEY, PROVIDER_KEYS } from './harness.ts';
import { createHash } from 'node:crypto';
import { reply as anthropicReply, startFakeAnthropic, stream as anthropicStream, type FakeAnthropic } from '../support/fake-anthropic/index.ts';
import { useSecrets } from '../support/secret-scan.ts';
import { memoryLog } from '../support/context.ts';

const ANTHROPIC_KEY = 'sk-ant-e2e-provider';
useSecrets(ANTHROPIC_KEY, CLIENT_KEY, ...Object.values(PROVIDER_KEYS));

let openaiUp: FakeUpstream;
let compatUp: FakeUpstream;
let anthropicUp: FakeAnthropic;
let gateway: DevServer;

beforeEach(async () => {
  openaiUp = await startFakeUpstream({ name: 'openai', strictPaths: false });
  compatUp = await startFakeUpstream({ name: 'compat' });
  anthropicUp = await startFakeAnthropic({ name: 'anthropic', apiKey: ANTHROPIC_KEY });
  const sha = createHash('sha256').update(CLIENT_KEY).digest('hex');
  gateway = await startDevServer(
    planFrom(`version: 1
gateway: { name: apis }
providers:
  openai: { type: openai, base_url: "${openaiUp.baseUrl}", api_key: { env: PRIMARY_KEY } }
  compat: { type: openai-compatible, base_url: "${compatUp.baseUrl}", api_key: { env: SECONDARY_KEY } }
  anthropic: { type: anthropic, base_url: "${anthropicUp.baseUrl}", api_key: { env: ANTHROPIC_KEY } }
routes:
  claude: { aliases: [claude], strategy: anthropic/claude-3-5-haiku-latest }
  native: { aliases: [gpt-4o], strategy: openai/gpt-4o }
  translated: { aliases: [llama], strategy: compat/llama-3.1-70b }
consumers:
  team: { keys: [{ sha256: ${sha} }] }
`),
    '127.0.0.1',
    0,
    { ...PROVIDER_KEYS, ANTHROPIC_KEY },
    // Every record goes through the file's secret scan (test/setup/record-scan.ts).
    memoryLog(),
  );
});

afterEach(async () => {
  await gateway.close();
  await anthropicUp.close();
  await closeAll();
});

const anthropic = (): Anthropic => new Anthropic({ baseURL: gateway.url, apiKey: CLIENT_KEY, maxRetries: 0 });
const openai = (): OpenAI => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });

describe('/v1/messages (Anthropic SDK) on a provider that does not speak it', () => {
  it('translates a message both ways', async () => {
    compatUp.script(reply({ content: 'Bonjour!', usage: { prompt_tokens: 11, completion_tokens: 3 } }));
    const msg = await anthropic().messages.create({ model: 'llama', max_tokens: 100, system: 'Answer in French.', messages: [{ role: 'user', content: 'Hello' }] });
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', model: 'llama', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Bonjour!' }], usage: { input_tokens: 11, output_tokens: 3 } });
    const sent = compatUp.requests[0]!;
    expect(sent.body).toMatchObject({ model: 'llama-3.1-70b', max_tokens: 100, messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: 'Hello' }] });
  });

  it('streams, with tool use assembled by the SDK', async () => {
    compatUp.script(stream({ content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }, { id: 'call_2', name: 'get_time', arguments: { zone: 'CET' } }], interleave: true }));
    const s = anthropic().messages.stream({
      model: 'llama',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather and time?' }],
      tools: [
        { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
        { name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string' } } } },
      ],
    });
    const final = await s.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_2', name: 'get_time', input: { zone: 'CET' } },
    ]);
    expect(compatUp.requests[0]!.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'get_weather' } }, { type: 'function', function: { name: 'get_time' } }] });
  });

  it('answers errors in Anthropic’s shape, with the stable code', async () => {
    const stranger = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = await stranger.messages.create({ model: 'llama', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'invalid_api_key' } });
  });

  it('refuses what it cannot express, naming the parameter', async () => {
    const err = await anthropic().messages.create({ model: 'llama', messages: [{ role: 'user', content: 'x' }] } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(JSON.stringify((err as InstanceType<typeof Anthropic.APIError>).error)).toContain('max_tokens');
    expect(compatUp.requests).toHaveLength(0);
  });
});

describe('/v1/messages (Anthropic SDK) on Anthropic: native pass-through', () => {
  it('sends the client’s body and beta header unchanged, with the provider key, and streams events back as they are', async () => {
    anthropicUp.script(anthropicStream({ text: 'Native stream' }));
    const body = {
      model: 'claude',
      max_tokens: 64,
      system: [{ type: 'text' as const, text: 'Be brief.', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    const s = anthropic().messages.stream(body, { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } });
    const final = await s.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Native stream' }]);
    const sent = anthropicUp.requests[0]!;
    expect(sent.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(sent.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(sent.body).toEqual({ ...body, model: 'claude-3-5-haiku-latest', stream: true });
  });
});

describe('/v1/messages: what only Anthropic can do goes to Anthropic untranslated', () => {
  it('passes extended thinking and server tools through (non-streaming) when every target is Anthropic', async () => {
    anthropicUp.script(anthropicReply({ text: 'Thought it through' }));
    const body = {
      model: 'claude',
      max_tokens: 2048,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 2 }],
      messages: [{ role: 'user' as const, content: 'What happened today?' }],
    };
    const msg = await anthropic().messages.create(body);
    expect(msg.content).toEqual([{ type: 'text', text: 'Thought it through' }]);
    expect(anthropicUp.requests[0]!.body).toEqual({ ...body, model: 'claude-3-5-haiku-latest' });
  });

  it('still refuses it, naming the parameter, where a target would need a translation', async () => {
    const err = await anthropic()
      .messages.create({ model: 'llama', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(JSON.stringify((err as InstanceType<typeof Anthropic.APIError>).error)).toContain('thinking');
    expect(compatUp.requests).toHaveLength(0);
  });
});

describe('/v1/responses (OpenAI SDK)', () => {
  it('passes state the gateway does not keep through to OpenAI, which keeps it', async () => {
    openaiUp.script(
      custom((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'resp_2',
            object: 'response',
            created_at: 1764000000,
            status: 'completed',
            model: 'gpt-4o',
            output: [{ type: 'message', id: 'msg_2', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Continuing', annotations: [] }] }],
            usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
          }),
        );
      }),
    );
    const r = await openai().responses.create({ model: 'gpt-4o', input: 'and then?', previous_response_id: 'resp_1', tools: [{ type: 'web_search' }] });
    expect(r.output_text).toBe('Continuing');
    expect(openaiUp.requests[0]!.body).toEqual({ model: 'gpt-4o', input: 'and then?', previous_response_id: 'resp_1', tools: [{ type: 'web_search' }] });
  });

  it('translates function tools both ways for a provider without the Responses API', async () => {
    compatUp.script(reply({ content: null, toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Oslo' } }] }));
    const r = await openai().responses.create({
      model: 'llama',
      input: 'Weather in Oslo?',
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }],
    });
    expect(r.output).toEqual([expect.objectContaining({ type: 'function_call', call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' })]);
    expect(compatUp.requests[0]!.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] });
  });

  it('passes through to OpenAI natively', async () => {
    const upstreamResponse = {
      id: 'resp_upstream_1',
      object: 'response',
      created_at: 1764000000,
      status: 'completed',
      model: 'gpt-4o-2024-08-06',
      output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Native hello', annotations: [] }] }],
      usage: { input_tokens: 9, output_tokens: 2, total_tokens: 11, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
    };
    openaiUp.script(
      custom((req, res) => {
        res.writeHead(req.path === '/v1/responses' ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(upstreamResponse));
      }),
    );
    const r = await openai().responses.create({ model: 'gpt-4o', input: 'Say hello', instructions: 'Be brief.' });
    expect(r.id).toBe('resp_upstream_1');
    expect(r.output_text).toBe('Native hello');
    const sent = openaiUp.requests[0]!;
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body).toEqual({ model: 'gpt-4o', input: 'Say hello', instructions: 'Be brief.' });
  });

  it('translates for a provider without the Responses API, streaming', async () => {
    compatUp.script(stream({ content: 'Translated hello' }));
    const s = openai().responses.stream({ model: 'llama', input: 'Say hello' });
    const final = await s.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('Translated hello');
    expect(compatUp.requests[0]!.body).toMatchObject({ model: 'llama-3.1-70b', stream: true, messages: [{ role: 'user', content: 'Say hello' }] });
  });

  it('refuses state it does not keep', async () => {
    const err = await openai().responses.create({ model: 'llama', input: 'x', previous_response_id: 'resp_123' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(compatUp.requests).toHaveLength(0);
  });
});
