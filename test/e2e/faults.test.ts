/**
 * End to end under faults: upstream 429/500/503, timeouts, connection resets, malformed
 * JSON, slow first bytes, streams that fail before and after the first byte, client
 * disconnects, circuit breakers. Each test asserts what the client sees and which targets
 * were tried, in order.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  custom,
  cutStream,
  errorAsFirstEvent,
  errorInStream,
  fail,
  hang,
  malformedChunk,
  malformedJson,
  reply,
  resetBeforeHeaders,
  resetMidStream,
  slowHeaders,
  stream,
  times,
} from '../support/fake-upstream/index.ts';
import { ask, collect, recordsAfter, startRig, type Rig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function setup(sdkRetries = 0): Promise<Rig> {
  rig = await startRig(sdkRetries);
  return rig;
}

describe('retries and fallbacks', () => {
  it('retries a 500 once, then falls back', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(...times(2, fail(500)));
    const { data, response } = await r.client.chat.completions.create({ model: 'chat', messages: ask }).withResponse();
    expect(data.choices[0]?.message.content).toContain('secondary');
    expect(r.fakes.tried()).toEqual(['primary', 'primary', 'secondary']);
    expect(response.headers.get('x-sluice-attempts')).toBe('3');
    expect(response.headers.get('x-sluice-provider')).toBe('secondary');
  });

  it('retries a 429 after the Retry-After the provider asked for', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(fail(429, { retryAfterMs: 40 }));
    const started = Date.now();
    await r.client.chat.completions.create({ model: 'solo', messages: ask });
    expect(r.fakes.tried()).toEqual(['primary', 'primary']);
    const [first, second] = r.fakes.requests();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(40);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('falls back at once when Retry-After is longer than the backoff allows', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(fail(429, { retryAfter: 30 }));
    const data = await r.client.chat.completions.create({ model: 'chat', messages: ask });
    expect(data.choices[0]?.message.content).toContain('secondary');
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
  });

  it('gives the client the last failure, with Retry-After, and tells SDKs not to retry on top', async () => {
    const r = await setup(2);
    r.fakes.byName.primary.script(...times(2, fail(503)));
    const err = await r.client.chat.completions.create({ model: 'solo', messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).toMatchObject({ status: 503, code: 'upstream_overloaded' });
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');
    expect((err as Error).message).toContain('primary/gpt-4o-mini 503');
    // The SDK was allowed two retries of its own but made none: retries are not multiplied.
    expect(r.fakes.tried()).toEqual(['primary', 'primary']);
  });

  it('does not retry or fall back on an invalid request, and relays the provider’s error', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(fail(400, { code: 'context_length_exceeded', message: 'This model’s maximum context length is 128000 tokens.' }));
    const err = await r.client.chat.completions.create({ model: 'chat', messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(r.fakes.tried()).toEqual(['primary']);
  });

  it('falls back on context_length_exceeded when the route says so', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(fail(400, { code: 'context_length_exceeded' }));
    await r.client.chat.completions.create({ model: 'careful', messages: ask });
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
  });

  it('hides provider auth failures behind a gateway error', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(...times(2, fail(401, { message: 'Incorrect API key provided: sk-e2e-pr*****ider' })));
    const err = await r.client.chat.completions.create({ model: 'solo', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'upstream_auth_failed' });
    expect(JSON.stringify(err)).not.toContain('sk-e2e-pr');
    expect(r.fakes.tried()).toEqual(['primary']);
  });

  it('times out a slow provider and falls back without resending to it', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(slowHeaders(3000, reply()));
    const started = Date.now();
    const data = await r.client.chat.completions.create({ model: 'chat', messages: ask });
    expect(data.choices[0]?.message.content).toContain('secondary');
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('does not resend a POST after the connection dropped once the body was sent', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(resetBeforeHeaders());
    await r.client.chat.completions.create({ model: 'chat', messages: ask });
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
  });

  it('resends after such a drop when the client sent an Idempotency-Key', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(resetBeforeHeaders());
    const data = await r.client.chat.completions.create({ model: 'chat', messages: ask }, { headers: { 'Idempotency-Key': 'req-42' } });
    expect(data.choices[0]?.message.content).toContain('primary');
    expect(r.fakes.tried()).toEqual(['primary', 'primary']);
    expect(r.fakes.requests()[1]!.headers['idempotency-key']).toBe('req-42');
  });

  it('treats a malformed JSON answer as a failed attempt', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(malformedJson());
    const data = await r.client.chat.completions.create({ model: 'chat', messages: ask });
    expect(data.choices[0]?.message.content).toContain('secondary');
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
  });

  it('answers 502 when every target failed, naming them', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(...times(2, fail(500)));
    r.fakes.byName.secondary.script(...times(2, fail(502)));
    const err = await r.client.chat.completions.create({ model: 'chat', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'upstream_error' });
    expect((err as Error).message).toContain('primary/gpt-4o-mini 500, primary/gpt-4o-mini 500, secondary/llama-3.1-8b 502, secondary/llama-3.1-8b 502');
  });

  it('never retries what another try cannot change, even when retry.on lists it; a fallback may still take it', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(fail(400, { code: 'context_length_exceeded', message: 'This model’s maximum context length is 128000 tokens.' }));
    const data = await r.client.chat.completions.create({ model: 'stubborn', messages: ask });
    expect(data.choices[0]?.message.content).toContain('secondary');
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
    r.fakes.byName.primary.reset();
    r.fakes.byName.secondary.reset();
    r.fakes.byName.primary.script(fail(400, { code: 'invalid_value', message: 'temperature is out of range' }));
    const err = await r.client.chat.completions.create({ model: 'stubborn', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(r.fakes.tried()).toEqual(['primary']);
    // A 5xx on the same route is retried as listed.
    r.fakes.byName.primary.reset();
    r.fakes.byName.primary.script(fail(500));
    await r.client.chat.completions.create({ model: 'stubborn', messages: ask });
    expect(r.fakes.tried()).toEqual(['primary', 'primary']);
  });

  it('retries a connection refused on the same target: the request was never sent', async () => {
    const r = await setup();
    // Nothing listens on the port any more: every connection is refused before a byte is sent.
    await r.fakes.byName.primary.close();
    const err = await r.client.chat.completions.create({ model: 'solo', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502 });
    expect((err as Error).message).toMatch(/primary\/gpt-4o-mini.*primary\/gpt-4o-mini/);
    const attempts = (await recordsAfter(r, 1)).at(-1)!.attempts;
    expect(attempts.map((a) => [a.provider, a.errorClass])).toEqual([
      ['primary', 'network'],
      ['primary', 'network'],
    ]);
  });

  it('opens the circuit breaker after repeated failures and stops calling the target', async () => {
    const r = await setup();
    r.fakes.byName.primary.fallback = fail(500);
    for (let i = 0; i < 3; i++) await r.client.chat.completions.create({ model: 'solo', messages: ask }).catch(() => undefined);
    expect(r.fakes.byName.primary.count).toBe(5);
    const err = await r.client.chat.completions.create({ model: 'solo', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    expect(r.fakes.byName.primary.count).toBe(5);
    // A ladder skips the open target and goes straight to the next rung.
    const data = await r.client.chat.completions.create({ model: 'chat', messages: ask });
    expect(data.choices[0]?.message.content).toContain('secondary');
    expect(r.fakes.byName.primary.count).toBe(5);
  });
});

describe('streams', () => {
  it('falls back when the first event is an error: the client never sees an empty 200', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(errorAsFirstEvent({ code: 'server_error', message: 'boom' }));
    r.fakes.byName.secondary.script(stream({ content: 'from the second rung' }));
    const { text } = await collect(await r.client.chat.completions.create({ model: 'chat', messages: ask, stream: true }));
    expect(text).toBe('from the second rung');
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
  });

  it('treats stream events of a shape it cannot read as the provider’s malformed answer: fallback first, an error event later', async () => {
    const r = await setup();
    const sse = (...events: unknown[]) =>
      custom((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
        res.end('data: [DONE]\n\n');
      });
    const fine = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'half ' }, finish_reason: null }] };
    // As the first event: a failed attempt, and the next rung answers.
    r.fakes.byName.primary.script(sse({ choices: [null] }));
    r.fakes.byName.secondary.script(stream({ content: 'from the second rung' }));
    const { text } = await collect(await r.client.chat.completions.create({ model: 'chat', messages: ask, stream: true }));
    expect(text).toBe('from the second rung');
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
    // After text went out: the stream ends with the gateway's error, in the client's protocol.
    r.fakes.byName.primary.script(sse(fine, { choices: [{ index: 0, delta: { tool_calls: [null] } }] }));
    const err = await collect(await r.client.chat.completions.create({ model: 'solo', messages: ask, stream: true })).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: expect.stringContaining('the provider sent a stream event of an unexpected shape') });
  });

  it('falls back when the first token is too slow', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(stream({ content: 'late', firstByteDelayMs: 2500 }));
    r.fakes.byName.secondary.script(stream({ content: 'on time' }));
    const { text } = await collect(await r.client.chat.completions.create({ model: 'chat', messages: ask, stream: true }));
    expect(text).toBe('on time');
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
  });

  it('keeps the first-token clock apart from the attempt timeout: headers on time, first event late', async () => {
    const r = await setup();
    // Headers at once, the first event after 2.5 s: inside the 5 s attempt timeout, past the 1 s first-token timeout.
    r.fakes.byName.primary.script(stream({ content: 'late', firstByteDelayMs: 2500 }));
    r.fakes.byName.secondary.script(stream({ content: 'on time' }));
    const started = Date.now();
    const { text } = await collect(await r.client.chat.completions.create({ model: 'eager', messages: ask, stream: true }));
    expect(text).toBe('on time');
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
    expect(Date.now() - started).toBeLessThan(2500);
    // A JSON answer has no first-token clock: the same delay is within its 5 s timeout.
    r.fakes.byName.primary.script(slowHeaders(2500, reply({ content: 'slow but fine' })));
    const data = await r.client.chat.completions.create({ model: 'eager', messages: ask });
    expect(data.choices[0]?.message.content).toBe('slow but fine');
  });

  it.each([
    ['cut without a finish', cutStream(2, { content: 'a b c d e f' }), 'upstream_stream_cut'],
    ['reset mid-way', resetMidStream(2, { content: 'a b c d e f' }), 'upstream_stream_broken'],
    ['a chunk that is not JSON', malformedChunk(2, { content: 'a b c d e f' }), 'upstream_malformed'],
    ['an error event', errorInStream({ afterChunks: 2, content: 'a b c d e f', error: { code: 'server_overloaded', message: 'overloaded' } }), 'upstream_overloaded'],
  ])('ends a stream that fails after the first byte (%s) with an error, not a normal stop', async (_name, behaviour, code) => {
    const r = await setup();
    r.fakes.byName.primary.script(behaviour);
    const chunks: string[] = [];
    const err = await (async () => {
      for await (const c of await r.client.chat.completions.create({ model: 'chat', messages: ask, stream: true })) chunks.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as { error?: { code?: string } }).error?.code ?? (err as { code?: string }).code).toBe(code);
    expect(chunks.join('')).not.toBe('');
    // Bytes had reached the client: no retry, no fallback.
    expect(r.fakes.tried()).toEqual(['primary']);
  });

  it('stops the upstream call when the client goes away', async () => {
    const r = await setup();
    r.fakes.byName.primary.script(stream({ content: Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '), delayMs: 50 }));
    const controller = new AbortController();
    const s = await r.client.chat.completions.create({ model: 'chat', messages: ask, stream: true }, { signal: controller.signal });
    let seen = 0;
    await (async () => {
      for await (const _ of s) {
        if (++seen === 3) controller.abort();
      }
    })().catch(() => undefined);
    await r.fakes.byName.primary.waitForSettled(3000);
    expect(r.fakes.byName.primary.requests[0]!.outcome).toBe('client-closed');
    expect(r.fakes.tried()).toEqual(['primary']);
  });

  it('shares one deadline across the whole ladder', async () => {
    const r = await setup();
    for (const up of r.fakes.all) up.fallback = hang();
    const started = Date.now();
    const err = await r.client.chat.completions.create({ model: 'hurry', messages: ask }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 504, code: 'deadline_exceeded' });
    // Each rung may take 1 s, but the route's 2 s deadline ends the ladder before the third.
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops each rung at its first-token timeout', async () => {
    const r = await setup();
    r.fakes.byName.primary.fallback = hang();
    r.fakes.byName.secondary.fallback = hang();
    const started = Date.now();
    const err = await r.client.chat.completions.create({ model: 'chat', messages: ask, stream: true }).catch((e: unknown) => e);
    // Each rung times out at 1 s (first token); the 6 s deadline is not reached.
    expect(err).toMatchObject({ status: 504, code: 'upstream_timeout' });
    expect(r.fakes.tried()).toEqual(['primary', 'secondary']);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
