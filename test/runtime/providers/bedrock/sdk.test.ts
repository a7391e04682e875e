/**
 * The production path to Bedrock without the pipeline: the SDK client `sdkCaller` builds
 * (SDK signing, the gateway's HTTP client as handler) and the transport over it, against the
 * fake Bedrock found through `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`.
 */
import * as SDK from '@aws-sdk/client-bedrock-runtime';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../../runtime/http/types.ts';
import { bedrockAdapter } from '../../../../runtime/providers/bedrock/index.ts';
import { sdkCaller } from '../../../../runtime/providers/bedrock/sdk.ts';
import { bedrockTransport } from '../../../../runtime/providers/bedrock/transport.ts';
import { createSseDecoder } from '../../../../runtime/sse/decoder.ts';
import { reply, startFakeBedrock, throttled, type FakeBedrock } from '../../../support/fake-bedrock/index.ts';
import { useAwsEnv } from '../../../support/fake-bedrock/env.ts';
import { call, PROVIDER } from './support.ts';

let fake: FakeBedrock;
beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(() => fake.close());
useAwsEnv(() => fake.url);

const ask = { messages: [{ role: 'user', content: 'Hello' }] };

describe('sdkCaller + transport', () => {
  it('honours AWS_ENDPOINT_URL_BEDROCK_RUNTIME, signs with SigV4 and streams SSE events the translator reads', async () => {
    fake.script(reply('One two three.'));
    const transport = bedrockTransport(sdkCaller(SDK, { ...PROVIDER }), SDK);
    const input = call({ ...ask, stream: true });
    const res = await transport.send(bedrockAdapter.chat.request(input));
    expect(res.status).toBe(200);
    const decoder = createSseDecoder();
    const translator = bedrockAdapter.chat.stream(input);
    let content = '';
    for await (const part of res.body) {
      for (const event of decoder.push(part)) {
        const step = translator.next(event);
        if (step.kind === 'chunks') for (const c of step.chunks) content += (c.chunk.choices?.[0]?.delta?.content as string | undefined) ?? '';
      }
    }
    expect(content).toBe('One two three.');
    expect(fake.requests.at(-1)).toMatchObject({ operation: 'converse-stream', modelId: input.model });
    expect(String(fake.requests.at(-1)!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
  });

  it('gives the adapter an error answer for an HTTP exception', async () => {
    fake.script(throttled());
    const res = await bedrockTransport(sdkCaller(SDK, { ...PROVIDER }), SDK).send(bedrockAdapter.chat.request(call(ask)));
    expect(res.status).toBe(429);
    expect(bedrockAdapter.error(res.status, res.headers, await res.text(65536), 0)).toMatchObject({ class: 'rate_limited', code: 'ThrottlingException' });
  });

  it('tells which calls reached the HTTP layer, and fails an aborted call as not sent', async () => {
    const caller = sdkCaller(SDK, { ...PROVIDER });
    const ok = new AbortController();
    await caller.send(new ConverseCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }), { abortSignal: ok.signal });
    expect(caller.reached!(ok.signal)).toBe(true);
    const stopped = new AbortController();
    stopped.abort('deadline');
    const err = await caller.send(new ConverseCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }), { abortSignal: stopped.signal }).catch((e: unknown) => e);
    // The SDK hands the signal to the handler, whose HTTP client refuses to send: nothing was sent.
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ failure: 'aborted', phase: 'connect', reason: 'deadline' });
  });

  it('keeps the connection pool usable after a stream is cancelled midway', async () => {
    fake.script(reply('a b c d e f g h i j k l m n o p'));
    const transport = bedrockTransport(sdkCaller(SDK, { ...PROVIDER }), SDK);
    const res = await transport.send(bedrockAdapter.chat.request(call({ ...ask, stream: true })));
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    res.cancel();
    const next = await transport.send(bedrockAdapter.chat.request(call(ask)));
    expect(next.status).toBe(200);
    expect(JSON.parse(await next.text(65536)).output.message.content[0].text).toContain('Hello from');
  });

  it('answers 401 CredentialsProviderError (auth) when the environment has no credentials', async () => {
    const saved = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
    try {
      const before = fake.requests.length;
      const res = await bedrockTransport(sdkCaller(SDK, { ...PROVIDER }), SDK).send(bedrockAdapter.chat.request(call(ask)));
      expect(res.status).toBe(401);
      expect(bedrockAdapter.error(res.status, res.headers, await res.text(65536), 0)).toMatchObject({ class: 'auth', code: 'CredentialsProviderError' });
      expect(fake.requests.length).toBe(before);
    } finally {
      for (const k of ['AWS_EC2_METADATA_DISABLED', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) delete process.env[k];
      process.env.AWS_ACCESS_KEY_ID = saved.AWS_ACCESS_KEY_ID;
      process.env.AWS_SECRET_ACCESS_KEY = saved.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('fails with an UpstreamError in phase connect when nothing listens', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = 'http://127.0.0.1:1';
    try {
      const err = await bedrockTransport(sdkCaller(SDK, { ...PROVIDER }), SDK).send(bedrockAdapter.chat.request(call(ask))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ failure: 'network', phase: 'connect' });
    } finally {
      process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = saved;
    }
  });
});
