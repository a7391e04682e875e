/**
 * The fake Bedrock Runtime checked against the real AWS SDK: `BedrockRuntimeClient` pointed
 * straight at it (endpoint, fake static credentials, us-east-1, the SDK's standard HTTP/1.1
 * handler) decodes its Converse JSON, its event-stream frames (cut at any byte), its
 * exception frames and HTTP errors, and its InvokeModel answers; every request is SigV4-signed.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  ModelStreamErrorException,
  ThrottlingException,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32, decodeFrames, encodeFrame, eventFrame, reply, startFakeBedrock, streamException, throttled, toolUse, type FakeBedrock } from '../../../support/fake-bedrock/index.ts';
import { FAKE_CREDENTIALS } from '../../../support/fake-bedrock/env.ts';

let fake: FakeBedrock;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  fake = await startFakeBedrock();
  client = new BedrockRuntimeClient({ endpoint: fake.url, region: 'us-east-1', credentials: FAKE_CREDENTIALS, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
});
afterAll(async () => {
  client.destroy();
  await fake.close();
});

const ask = { modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user' as const, content: [{ text: 'Hello' }] }] };

async function read(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<{ events: ConverseStreamOutput[]; error: unknown }> {
  const events: ConverseStreamOutput[] = [];
  try {
    for await (const e of stream ?? []) events.push(e);
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}

describe('event stream framing', () => {
  it('computes CRC-32 (IEEE) like zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('round-trips frames and refuses a damaged one', () => {
    const frame = eventFrame('messageStart', { role: 'assistant' });
    expect(decodeFrames(frame)).toEqual([{ headers: { ':event-type': 'messageStart', ':content-type': 'application/json', ':message-type': 'event' }, payload: new TextEncoder().encode('{"role":"assistant"}') }]);
    const damaged = frame.slice();
    damaged[damaged.length - 6]! ^= 1;
    expect(() => decodeFrames(damaged)).toThrow('message CRC');
    const empty = encodeFrame({ headers: {}, payload: new Uint8Array() });
    expect(empty.length).toBe(16);
  });
});

describe('the real SDK against the fake', () => {
  it('reads a ConverseStream: text, tool calls, stop reason and usage, from frames cut at odd byte counts', async () => {
    fake.chunkBytes = 7;
    fake.script(reply('Hi there.', [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo' } }]));
    try {
      const out = await client.send(new ConverseStreamCommand(ask));
      const { events, error } = await read(out.stream);
      expect(error).toBeNull();
      expect(events[0]).toEqual({ messageStart: { role: 'assistant' } });
      expect(events.filter((e) => e.contentBlockDelta?.delta?.text).map((e) => e.contentBlockDelta!.delta!.text).join('')).toBe('Hi there.');
      expect(events.find((e) => e.contentBlockStart)?.contentBlockStart).toEqual({ contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather' } } });
      expect(events.filter((e) => e.contentBlockDelta?.delta?.toolUse).map((e) => e.contentBlockDelta!.delta!.toolUse!.input).join('')).toBe('{"city":"Oslo"}');
      expect(events.at(-2)).toEqual({ messageStop: { stopReason: 'tool_use' } });
      expect(events.at(-1)?.metadata?.usage).toMatchObject({ inputTokens: expect.any(Number), outputTokens: expect.any(Number) });
    } finally {
      fake.chunkBytes = 0;
    }
  });

  it('throws the modeled exception of an exception frame mid-stream', async () => {
    fake.script(streamException('modelStreamErrorException', 'The model stream failed.', 2));
    const out = await client.send(new ConverseStreamCommand(ask));
    const { events, error } = await read(out.stream);
    expect(events).toHaveLength(2);
    expect(error).toBeInstanceOf(ModelStreamErrorException);
    expect(error).toMatchObject({ message: 'The model stream failed.' });
  });

  it('answers Converse JSON and HTTP errors with x-amzn-errortype', async () => {
    fake.script(toolUse({ id: 't1', name: 'f', input: { a: 1 } }), throttled());
    const out = await client.send(new ConverseCommand(ask));
    expect(out.output?.message?.content).toEqual([{ toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } }]);
    expect(out.stopReason).toBe('tool_use');
    const err = await client.send(new ConverseCommand(ask)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottlingException);
    expect(err).toMatchObject({ $metadata: { httpStatusCode: 429 }, message: 'Too many requests, please wait before trying again.' });
  });

  it('answers InvokeModel for Titan and Cohere embeddings', async () => {
    const titan = await client.send(new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json', body: JSON.stringify({ inputText: 'hello', dimensions: 256 }) }));
    expect(JSON.parse(new TextDecoder().decode(titan.body))).toMatchObject({ embedding: expect.any(Array), inputTextTokenCount: 2 });
    const cohere = await client.send(new InvokeModelCommand({ modelId: 'cohere.embed-english-v3', contentType: 'application/json', body: JSON.stringify({ texts: ['a', 'b'], input_type: 'search_document' }) }));
    expect(JSON.parse(new TextDecoder().decode(cohere.body)).embeddings).toHaveLength(2);
  });

  it('receives SigV4-signed requests for bedrock in us-east-1, with the model id percent-encoded in the path', async () => {
    await client.send(new ConverseCommand({ ...ask, modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' }));
    const last = fake.requests.at(-1)!;
    expect(last.path).toBe('/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
    expect(last.modelId).toBe('us.anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(last.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);
    expect(fake.requests.every((r) => String(r.headers.authorization).startsWith('AWS4-HMAC-SHA256'))).toBe(true);
  });
});
