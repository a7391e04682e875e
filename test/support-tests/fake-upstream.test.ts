/** Proves each fake-upstream behaviour with the real `openai` SDK pointed straight at the fake. */
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI, {
  APIConnectionError,
  APIError,
  AuthenticationError,
  AzureOpenAI,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import {
  closeAll,
  custom,
  cutStream,
  embeddings,
  errorAsFirstEvent,
  errorInStream,
  estimatePromptTokens,
  estimateTokens,
  fail,
  fakeEmbedding,
  hang,
  malformedChunk,
  malformedJson,
  ok,
  reply,
  resetBeforeHeaders,
  resetMidStream,
  slowHeaders,
  startFakeUpstream,
  startFakeUpstreams,
  stream,
  times,
  type FakeUpstream,
} from '../support/fake-upstream/index.ts';

type Chunk = OpenAI.ChatCompletionChunk;

const messages = [{ role: 'user' as const, content: 'Say hello to the test suite' }];

/** The real SDK, aimed straight at the fake, never retrying, never logging. */
function client(up: FakeUpstream): OpenAI {
  return new OpenAI({ baseURL: up.baseUrl, apiKey: 'sk-test-key', maxRetries: 0, logLevel: 'off' });
}

/** Reads a stream to the end. */
async function collect(s: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of s) out.push(c);
  return out;
}

/** Concatenated content deltas. */
function text(chunks: readonly Chunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

/** Active timers in this process. */
function timerCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

afterEach(async () => {
  await closeAll();
});

describe('non-streaming replies', () => {
  it('returns a chat.completion echoing the model, with estimated usage, and records the request', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(reply({ content: 'Hi there' }));
    const completion = await client(up).chat.completions.create({ model: 'gpt-4o-mini', messages });

    expect(completion).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini', id: expect.stringMatching(/^chatcmpl-openai-a-\d+$/) });
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'Hi there', refusal: null }, logprobs: null, finish_reason: 'stop' },
    ]);
    const prompt = estimatePromptTokens({ messages });
    expect(completion.usage).toEqual({ prompt_tokens: prompt, completion_tokens: estimateTokens('Hi there'), total_tokens: prompt + 2 });

    const [r] = up.requests;
    expect(r).toMatchObject({
      upstream: 'openai-a',
      method: 'POST',
      path: '/v1/chat/completions',
      endpoint: 'chat',
      model: 'gpt-4o-mini',
      stream: false,
      behaviour: 'reply',
      scripted: true,
      status: 200,
      outcome: 'completed',
      body: { model: 'gpt-4o-mini', messages },
    });
    expect(r?.headers['authorization']).toBe('Bearer sk-test-key');
    expect(up.count).toBe(1);
    expect(up.remaining).toBe(0);
  });

  it('falls back to ok() (content "Hello from <name>") when the script is empty, and the fallback can be changed', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    const sdk = client(up);
    const first = await sdk.chat.completions.create({ model: 'm', messages });
    expect(first.choices[0]?.message.content).toBe('Hello from openai-a');
    expect(up.requests[0]).toMatchObject({ behaviour: 'ok', scripted: false });

    up.fallback = fail(503);
    expect(await rejection(sdk.chat.completions.create({ model: 'm', messages }))).toBeInstanceOf(InternalServerError);
  });

  it('takes given usage and model, and makes tool calls with finish_reason tool_calls', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(
      reply({
        model: 'gpt-4o-2024-08-06',
        usage: { prompt_tokens: 11, completion_tokens: 5 },
        toolCalls: [
          { id: 'call_w', name: 'get_weather', arguments: { city: 'Paris' } },
          { name: 'get_time', arguments: '{"tz":"CET"}' },
        ],
      }),
    );
    const completion = await client(up).chat.completions.create({ model: 'gpt-4o', messages });
    expect(completion.model).toBe('gpt-4o-2024-08-06');
    expect(completion.usage).toEqual({ prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
    ]);
  });
});

describe('streaming replies', () => {
  it('streams content across chunks: role first, finish_reason only on the last, no usage unless asked', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(stream({ content: 'The quick brown fox' }));
    const chunks = await collect(await client(up).chat.completions.create({ model: 'gpt-4o', messages, stream: true }));

    expect(text(chunks)).toBe('The quick brown fox');
    expect(chunks.map((c) => c.choices[0]?.delta.content)).toEqual(['The', ' quick', ' brown', ' fox']);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, null, 'stop']);
    for (const c of chunks) {
      expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4o', id: chunks[0]?.id });
      expect(c).not.toHaveProperty('usage');
    }
    expect(up.requests[0]).toMatchObject({ stream: true, behaviour: 'stream', status: 200, outcome: 'completed', eventsSent: 5 });
  });

  it('adds the usage chunk (choices: []) only when the request sets stream_options.include_usage', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    const sdk = client(up);
    up.script(reply({ content: 'one two', usage: { prompt_tokens: 9 } }), reply({ content: 'one two' }));
    const withUsage = await collect(
      await sdk.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } }),
    );
    const last = withUsage.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({ prompt_tokens: 9, completion_tokens: estimateTokens('one two'), total_tokens: 9 + estimateTokens('one two') });
    expect(withUsage.slice(0, -1).map((c) => c.usage)).toEqual([null, null]);

    const without = await collect(await sdk.chat.completions.create({ model: 'm', messages, stream: true }));
    expect(without).toHaveLength(2);
    expect(without.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
  });

  it('sends explicit chunks as given, and the openai layout with separate role and finish chunks', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    const sdk = client(up);
    up.script(stream({ chunks: ['a', 'b c', ''] }), stream({ content: 'x y', layout: 'openai', finishReason: 'length' }));
    const explicit = await collect(await sdk.chat.completions.create({ model: 'm', messages, stream: true }));
    expect(explicit.map((c) => c.choices[0]?.delta.content)).toEqual(['a', 'b c', '']);

    const openaiLayout = await collect(await sdk.chat.completions.create({ model: 'm', messages, stream: true }));
    expect(openaiLayout.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'x' },
      { content: ' y' },
      {},
    ]);
    expect(openaiLayout.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, null, 'length']);
  });

  it('streams parallel tool calls with distinct index, id and name first, then interleaved argument fragments', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    const calls = [
      { id: 'call_weather', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
      { id: 'call_time', name: 'get_time', arguments: { timezone: 'Europe/Paris' } },
    ];
    up.script(stream({ toolCalls: calls }), stream({ toolCalls: calls }));
    const sdk = client(up);
    const tools = calls.map((c) => ({ type: 'function' as const, function: { name: c.name, parameters: { type: 'object' } } }));

    // 1. The SDK's own stream helper assembles them.
    const helper = sdk.chat.completions.stream({ model: 'gpt-4o', messages, tools });
    const final = await helper.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } },
      { id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' } },
    ]);

    // 2. Raw deltas: openings carry index+id+name, fragments carry only arguments, indexes alternate.
    const chunks = await collect(await sdk.chat.completions.create({ model: 'gpt-4o', messages, tools, stream: true }));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.slice(0, 2)).toEqual([
      { index: 0, id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 1, id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '' } },
    ]);
    expect(deltas.slice(2).every((d) => d.id === undefined && d.function?.name === undefined)).toBe(true);
    expect(deltas.map((d) => d.index)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    const assembled = new Map<number, { id: string; name: string; args: string }>();
    for (const d of deltas) {
      const slot = assembled.get(d.index) ?? { id: '', name: '', args: '' };
      assembled.set(d.index, { id: d.id ?? slot.id, name: d.function?.name ?? slot.name, args: slot.args + (d.function?.arguments ?? '') });
    }
    expect([...assembled.values()]).toEqual([
      { id: 'call_weather', name: 'get_weather', args: JSON.stringify(calls[0]?.arguments) },
      { id: 'call_time', name: 'get_time', args: JSON.stringify(calls[1]?.arguments) },
    ]);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: null });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('paces events with delayMs and holds the first event for firstByteDelayMs after the headers', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(stream({ chunks: ['a', 'b', 'c', 'd'], delayMs: 50, firstByteDelayMs: 300 }));
    const t0 = performance.now();
    const s = await client(up).chat.completions.create({ model: 'm', messages, stream: true });
    const tHeaders = performance.now() - t0;
    const arrivals: number[] = [];
    for await (const _ of s) arrivals.push(performance.now() - t0);

    const first = arrivals[0] ?? 0;
    expect(first).toBeGreaterThanOrEqual(295);
    expect(tHeaders).toBeLessThan(first - 100);
    expect((arrivals.at(-1) ?? 0) - first).toBeGreaterThanOrEqual(3 * 50 - 30);
  });
});

describe('HTTP failures', () => {
  it.each([
    [400, BadRequestError, 'invalid_request_error', null],
    [401, AuthenticationError, 'invalid_request_error', 'invalid_api_key'],
    [403, PermissionDeniedError, 'invalid_request_error', 'unsupported_country_region_territory'],
    [404, NotFoundError, 'invalid_request_error', 'model_not_found'],
    [429, RateLimitError, 'requests', 'rate_limit_exceeded'],
    [500, InternalServerError, 'server_error', null],
    [503, InternalServerError, 'server_error', null],
  ] as const)('fail(%i) surfaces as the SDK error class with OpenAI error fields', async (status, cls, type, code) => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(fail(status));
    const e = await rejection(client(up).chat.completions.create({ model: 'm', messages }));
    expect(e).toBeInstanceOf(cls);
    expect(e).toMatchObject({ status, type, code });
    expect(up.requests[0]).toMatchObject({ behaviour: 'fail', status, outcome: 'completed' });
  });

  it('sends Retry-After as seconds or as an HTTP date, retry-after-ms, and custom fields', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    const date = new Date('2030-01-02T03:04:05Z');
    up.script(
      fail(429, { retryAfter: 7, retryAfterMs: 6500, code: 'tokens_exceeded', message: 'slow down', headers: { 'x-ratelimit-remaining-requests': '0' } }),
      fail(429, { retryAfter: date }),
    );
    const sdk = client(up);
    const first = await rejection(sdk.chat.completions.create({ model: 'm', messages }));
    expect(first).toBeInstanceOf(RateLimitError);
    const e1 = first as RateLimitError;
    expect(e1.headers.get('retry-after')).toBe('7');
    expect(e1.headers.get('retry-after-ms')).toBe('6500');
    expect(e1.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(e1).toMatchObject({ code: 'tokens_exceeded', error: { message: 'slow down' } });

    const second = (await rejection(sdk.chat.completions.create({ model: 'm', messages }))) as RateLimitError;
    expect(second.headers.get('retry-after')).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
  });

  it('sends a raw non-JSON error body when asked (a proxy page)', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(fail(502, { body: '<html>502 Bad Gateway</html>', contentType: 'text/html' }));
    const e = await rejection(client(up).chat.completions.create({ model: 'm', messages }));
    expect(e).toBeInstanceOf(InternalServerError);
    expect(e).toMatchObject({ status: 502 });
    expect((e as APIError).message).toContain('502 Bad Gateway');
  });

  it('malformedJson() makes the SDK fail to parse a 200 reply', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(malformedJson());
    expect(await rejection(client(up).chat.completions.create({ model: 'm', messages }))).toBeInstanceOf(SyntaxError);
    expect(up.requests[0]).toMatchObject({ behaviour: 'malformedJson', status: 200, outcome: 'completed' });
  });
});

describe('connection failures and timing', () => {
  it('resetBeforeHeaders() surfaces as APIConnectionError after the body was read', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(resetBeforeHeaders());
    const e = await rejection(client(up).chat.completions.create({ model: 'm', messages }));
    expect(e).toBeInstanceOf(APIConnectionError);
    expect(up.requests[0]).toMatchObject({ behaviour: 'resetBeforeHeaders', status: null, outcome: 'reset', body: { model: 'm' } });
  });

  it('resetMidStream(n) delivers n chunks, then the connection dies', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(resetMidStream(2, { content: 'one two three four' }));
    const s = await client(up).chat.completions.create({ model: 'm', messages, stream: true });
    const got: Chunk[] = [];
    const e = await rejection(
      (async () => {
        for await (const c of s) got.push(c);
      })(),
    );
    expect(text(got)).toBe('one two');
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe('terminated');
    expect(up.requests[0]).toMatchObject({ status: 200, outcome: 'reset', eventsSent: 2 });
  });

  it('slowHeaders(ms) measurably delays the reply, then behaves like the wrapped behaviour', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(slowHeaders(250), slowHeaders(100, fail(503)));
    const sdk = client(up);
    const t0 = performance.now();
    await sdk.chat.completions.create({ model: 'm', messages });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
    const t1 = performance.now();
    expect(await rejection(sdk.chat.completions.create({ model: 'm', messages }))).toBeInstanceOf(InternalServerError);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(90);
    expect(up.requests.map((r) => r.behaviour)).toEqual(['slowHeaders', 'slowHeaders']);
    const [slow] = up.requests;
    expect((slow?.endedAt ?? 0) - (slow?.at ?? 0)).toBeGreaterThanOrEqual(245);
  });

  it('hang() holds the request until close(), which ends promptly, fails the client and leaves no timers', async () => {
    const timersBefore = timerCount();
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(hang(), stream({ content: 'a b c d e f', delayMs: 10_000 }), slowHeaders(60_000));
    const sdk = client(up);
    const calls = [
      rejection(sdk.chat.completions.create({ model: 'm', messages })),
      rejection(sdk.chat.completions.create({ model: 'm', messages, stream: true }).then(collect)),
      rejection(sdk.chat.completions.create({ model: 'm', messages })),
    ];
    await up.waitForRequests(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(up.requests.map((r) => r.outcome)).toEqual(['pending', 'pending', 'pending']);

    const t0 = performance.now();
    await up.close();
    expect(performance.now() - t0).toBeLessThan(500);
    const errors = await Promise.all(calls);
    expect(errors[0]).toBeInstanceOf(APIConnectionError);
    expect(errors[1]).toBeInstanceOf(Error);
    expect(errors[2]).toBeInstanceOf(APIConnectionError);
    expect(up.requests.map((r) => r.outcome)).toEqual(['closed', 'closed', 'closed']);
    expect(timerCount()).toBeLessThanOrEqual(timersBefore);
  });

  it('records client-closed when the client gives up on a hung request', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(hang());
    const e = await rejection(client(up).chat.completions.create({ model: 'm', messages }, { timeout: 100 }));
    expect(e).toBeInstanceOf(APIConnectionError);
    await up.waitForSettled(2_000);
    expect(up.requests[0]).toMatchObject({ behaviour: 'hang', outcome: 'client-closed', status: null });
  });
});

describe('broken streams', () => {
  it('malformedChunk(n) puts a non-JSON data line after n chunks, which the SDK rejects', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(malformedChunk(1, { content: 'one two' }));
    const s = await client(up).chat.completions.create({ model: 'm', messages, stream: true });
    const got: Chunk[] = [];
    const e = await rejection(
      (async () => {
        for await (const c of s) got.push(c);
      })(),
    );
    expect(e).toBeInstanceOf(SyntaxError);
    expect(text(got)).toBe('one');
  });

  it('errorInStream() sends an OpenAI error event after n chunks; the SDK throws APIError', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(errorInStream({ afterChunks: 2, content: 'a b c', error: { message: 'Model overloaded', code: 'server_overloaded' } }));
    const s = await client(up).chat.completions.create({ model: 'm', messages, stream: true });
    const got: Chunk[] = [];
    const e = await rejection(
      (async () => {
        for await (const c of s) got.push(c);
      })(),
    );
    expect(text(got)).toBe('a b');
    expect(e).toBeInstanceOf(APIError);
    expect(e).toMatchObject({ code: 'server_overloaded', type: 'server_error', error: { message: 'Model overloaded' } });
    expect(up.requests[0]).toMatchObject({ status: 200, outcome: 'completed', eventsSent: 3 });
  });

  it('errorAsFirstEvent() fails a 200 stream before any chunk', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(errorAsFirstEvent({ message: 'context too long', type: 'invalid_request_error', code: 'context_length_exceeded' }));
    const s = await client(up).chat.completions.create({ model: 'm', messages, stream: true });
    const got: Chunk[] = [];
    const e = await rejection(
      (async () => {
        for await (const c of s) got.push(c);
      })(),
    );
    expect(got).toEqual([]);
    expect(e).toMatchObject({ code: 'context_length_exceeded', type: 'invalid_request_error' });
  });

  it('cutStream(n) ends cleanly after n chunks, with no finish_reason and no [DONE]', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(cutStream(2, { content: 'a b' }), cutStream(1));
    const chunks = await collect(await client(up).chat.completions.create({ model: 'm', messages, stream: true }));
    expect(text(chunks)).toBe('a b');
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null]);

    const raw = await fetch(`${up.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages, stream: true }) });
    const body = await raw.text();
    expect(body).toMatch(/^data: \{.*\}\n\n$/);
    expect(body).not.toContain('[DONE]');
    expect(up.requests.map((r) => r.outcome)).toEqual(['completed', 'completed']);
  });
});

describe('embeddings', () => {
  it('answers with deterministic vectors, decoded from base64 by the SDK by default, or as floats', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(embeddings(), embeddings({ dims: 4 }));
    const sdk = client(up);
    const res = await sdk.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(res.model).toBe('text-embedding-3-small');
    expect(res.data.map((d) => d.embedding)).toEqual([fakeEmbedding('alpha', 8), fakeEmbedding('beta', 8)]);
    const tokens = estimateTokens('alpha') + estimateTokens('beta');
    expect(res.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(up.requests[0]).toMatchObject({ endpoint: 'embeddings', body: { encoding_format: 'base64' } });

    const floats = await sdk.embeddings.create({ model: 'e', input: 'alpha', encoding_format: 'float' });
    expect(floats.data).toEqual([{ object: 'embedding', index: 0, embedding: fakeEmbedding('alpha', 4) }]);

    const fallback = await sdk.embeddings.create({ model: 'e', input: 'gamma', dimensions: 3 });
    expect(fallback.data[0]?.embedding).toEqual(fakeEmbedding('gamma', 3));
    expect(up.requests[2]).toMatchObject({ behaviour: 'ok', endpoint: 'embeddings' });
  });
});

describe('Azure OpenAI', () => {
  it('serves /openai/deployments/{d}/chat/completions for AzureOpenAI and records the api-key header', async () => {
    const up = await startFakeUpstream({ name: 'azure-east' });
    up.script(reply({ content: 'from azure' }), stream({ content: 'streamed from azure' }));
    const azure = new AzureOpenAI({
      endpoint: up.azureEndpoint,
      deployment: 'gpt4o-prod',
      apiVersion: '2024-10-21',
      apiKey: 'azure-secret',
      maxRetries: 0,
      logLevel: 'off',
    });
    const completion = await azure.chat.completions.create({ model: 'gpt-4o', messages });
    expect(completion.choices[0]?.message.content).toBe('from azure');
    const chunks = await collect(await azure.chat.completions.create({ model: 'gpt-4o', messages, stream: true }));
    expect(text(chunks)).toBe('streamed from azure');

    const r = up.requests[0];
    expect(r).toMatchObject({
      path: '/openai/deployments/gpt4o-prod/chat/completions',
      query: { 'api-version': '2024-10-21' },
      deployment: 'gpt4o-prod',
      endpoint: 'chat',
      model: 'gpt-4o',
    });
    expect(r?.headers['api-key']).toBe('azure-secret');
    expect(r?.headers['authorization']).toBeUndefined();
  });
});

describe('paths, bodies and bookkeeping', () => {
  it('answers unknown paths and unparseable bodies itself, without consuming the script', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    const models = await client(up).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['openai-a-model']);
    up.reset();
    up.script(fail(500));
    const wrongPath = await fetch(`${up.azureEndpoint}/chat/completions`, { method: 'POST', body: '{}' });
    expect(wrongPath.status).toBe(404);
    expect(await wrongPath.json()).toEqual({
      error: { message: 'Invalid URL (POST /chat/completions)', type: 'invalid_request_error', param: null, code: null },
    });
    const noVersion = await fetch(`${up.azureEndpoint}/openai/deployments/d/chat/completions`, { method: 'POST', body: '{}' });
    expect(noVersion.status).toBe(404);
    const badJson = await fetch(`${up.baseUrl}/chat/completions`, { method: 'POST', body: '{"model":' });
    expect(badJson.status).toBe(400);
    expect(up.requests.map((r) => [r.behaviour, r.scripted, r.body])).toEqual([
      ['route-not-found', false, {}],
      ['route-not-found', false, {}],
      ['invalid-json', false, '{"model":'],
    ]);
    expect(up.requests[2]?.rawBody).toBe('{"model":');
    expect(up.remaining).toBe(1);
  });

  it('sends every request to the script when strictPaths is false', async () => {
    const up = await startFakeUpstream({ name: 'native', strictPaths: false });
    up.script(custom((_req, res) => res.end('native reply')));
    const res = await fetch(`${up.azureEndpoint}/v1/messages`, { method: 'POST', body: 'not json' });
    expect(await res.text()).toBe('native reply');
    expect(up.requests[0]).toMatchObject({ path: '/v1/messages', endpoint: 'unknown', body: 'not json', behaviour: 'custom', status: 200 });
  });

  it('custom() gets the parsed request and a timer-safe wait', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    up.script(
      custom(async (req, res, ctx) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        await ctx.wait(10);
        res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: req.model, choices: [{ index: 0, delta: { content: 'custom' }, finish_reason: 'stop' }] })}\n\n`);
        res.end('data: [DONE]\n\n');
      }),
    );
    const chunks = await collect(await client(up).chat.completions.create({ model: 'mine', messages, stream: true }));
    expect(chunks.map((c) => [c.model, c.choices[0]?.delta.content])).toEqual([['mine', 'custom']]);
  });

  it('several fakes: times(), tried() in arrival order, closeAll()', async () => {
    const fleet = await startFakeUpstreams(['openai-a', 'openai-b']);
    const { 'openai-a': a, 'openai-b': b } = fleet.byName;
    a.script(...times(2, fail(503)));
    b.script(ok());
    const sdkA = client(a);
    for (let i = 0; i < 2; i++) await rejection(sdkA.chat.completions.create({ model: 'm', messages }));
    const answer = await client(b).chat.completions.create({ model: 'm', messages });
    expect(answer.choices[0]?.message.content).toBe('Hello from openai-b');
    expect(fleet.tried()).toEqual(['openai-a', 'openai-a', 'openai-b']);
    expect(fleet.requests().map((r) => r.status)).toEqual([503, 503, 200]);
    await fleet.closeAll();
    await expect(fetch(b.baseUrl + '/models')).rejects.toThrow();
  });

  it('waitForRequests() times out with a clear message; reset() forgets requests and script', async () => {
    const up = await startFakeUpstream({ name: 'openai-a' });
    await expect(up.waitForRequests(1, 50)).rejects.toThrow('fake upstream openai-a: timed out after 50 ms waiting for 1 requests (got 0)');
    up.script(fail(500));
    await client(up).chat.completions.create({ model: 'm', messages }).catch(() => undefined);
    up.script(fail(500));
    up.fallback = hang();
    up.reset();
    expect([up.count, up.remaining, up.fallback]).toEqual([0, 0, ok()]);
  });
});
