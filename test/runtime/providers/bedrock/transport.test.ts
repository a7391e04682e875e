/** The Bedrock transport with a fake SDK `send`: answers, SSE bodies, exceptions, network failures, aborts, embeddings. */
import * as SDK from '@aws-sdk/client-bedrock-runtime';
import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  ModelErrorException,
  ModelStreamErrorException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { Stop } from '../../../../runtime/core/stop.ts';
import { UpstreamError, type UpstreamRequest, type UpstreamResponse } from '../../../../runtime/http/types.ts';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { bedrockError } from '../../../../runtime/providers/bedrock/errors.ts';
import { bedrockTransport, INVOKE_CONCURRENCY, type BedrockCaller, type BedrockCommand } from '../../../../runtime/providers/bedrock/transport.ts';

const CONVERSE = 'bedrock://us-east-1/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse';
const STREAM = 'bedrock://us-east-1/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream';
const INVOKE = 'bedrock://us-east-1/model/amazon.titan-embed-text-v2%3A0/invoke';
const ask = { messages: [{ role: 'user', content: [{ text: 'hi' }] }] };
const request = (url: string, body: unknown, signal?: Stop): UpstreamRequest => ({ url, method: 'POST', headers: {}, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

interface Sent {
  readonly command: BedrockCommand;
  readonly signal: AbortSignal;
}

/** A caller whose `send` is `impl`; records what it got. */
function caller(impl: (command: BedrockCommand, signal: AbortSignal) => unknown, reached?: boolean): BedrockCaller & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    send: async (command, { abortSignal }) => {
      sent.push({ command, signal: abortSignal });
      return impl(command, abortSignal);
    },
    ...(reached === undefined ? {} : { reached: () => reached }),
  };
}

const meta = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'req-abc', attempts: 1, totalRetryDelay: 0 });
const text = (res: UpstreamResponse): Promise<string> => res.text(1 << 20);

async function* events(...items: unknown[]): AsyncGenerator<unknown> {
  for (const item of items) {
    if (item instanceof Error) throw item;
    yield item;
  }
}

describe('Converse', () => {
  it('runs ConverseCommand with the model from the URL and base64 blobs decoded to bytes, and answers 200 with the output JSON', async () => {
    const c = caller(() => ({ output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, $metadata: meta(200) }));
    const png = Buffer.from('PNG bytes').toString('base64');
    const res = await bedrockTransport(c, SDK).send(request(CONVERSE, { messages: [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: png } } }, { toolResult: { toolUseId: 't', content: [{ image: { format: 'png', source: { bytes: png } } }] } }] }] }));
    const { command } = c.sent[0]!;
    expect(command).toBeInstanceOf(ConverseCommand);
    const input = command.input as unknown as { modelId: string; messages: { content: JsonObject[] }[] };
    expect(input.modelId).toBe('anthropic.claude-3-haiku-20240307-v1:0');
    const image = input.messages[0]!.content[0]!.image as { source: { bytes: Uint8Array } };
    expect(Buffer.from(image.source.bytes).toString()).toBe('PNG bytes');
    expect(JSON.stringify(input.messages[0]!.content[1])).not.toContain(png);
    expect(res.status).toBe(200);
    expect(JSON.parse(await text(res))).toEqual({ output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } });
  });

  it('writes byte fields of an answer as base64, as the JSON protocol does', async () => {
    const c = caller(() => ({ output: { message: { role: 'assistant', content: [{ image: { format: 'png', source: { bytes: new Uint8Array([1, 2, 3]) } } }] } }, stopReason: 'end_turn' }));
    const res = await bedrockTransport(c, SDK).send(request(CONVERSE, ask));
    expect(JSON.parse(await text(res)).output.message.content[0].image.source.bytes).toBe('AQID');
  });

  it('turns a service exception into an error answer with its status, name and fields, which the adapter classifies', async () => {
    const c = caller(() => {
      throw new ThrottlingException({ message: 'Too many requests, please wait before trying again.', $metadata: meta(429) });
    });
    const res = await bedrockTransport(c, SDK).send(request(CONVERSE, ask));
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({ 'x-amzn-errortype': 'ThrottlingException', 'x-amzn-requestid': 'req-abc' });
    const body = await text(res);
    expect(JSON.parse(body)).toEqual({ __type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
    expect(bedrockError(res.status, res.headers, body, 0)).toMatchObject({ class: 'rate_limited', status: 429 });

    const model = caller(() => {
      throw new ModelErrorException({ message: 'The model failed.', originalStatusCode: 500, resourceName: 'claude', $metadata: meta(424) });
    });
    const r2 = await bedrockTransport(model, SDK).send(request(CONVERSE, ask));
    expect(JSON.parse(await text(r2))).toEqual({ __type: 'ModelErrorException', message: 'The model failed.', originalStatusCode: 500, resourceName: 'claude' });
    expect(bedrockError(r2.status, r2.headers, JSON.stringify({ __type: 'ModelErrorException', message: 'x' }), 0).class).toBe('server');
  });

  it('answers 401 CredentialsProviderError when there are no credentials (nothing was sent)', async () => {
    const err = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const res = await bedrockTransport(caller(() => Promise.reject(err)), SDK).send(request(CONVERSE, ask));
    expect(res.status).toBe(401);
    expect(bedrockError(res.status, res.headers, await text(res), 0)).toMatchObject({ class: 'auth', code: 'CredentialsProviderError' });
  });

  it('refuses text() past the cap', async () => {
    const res = await bedrockTransport(caller(() => ({ output: { message: { role: 'assistant', content: [{ text: 'x'.repeat(100) }] } } })), SDK).send(request(CONVERSE, ask));
    await expect(res.text(10)).rejects.toMatchObject({ failure: 'too_large' });
  });
});

describe('network failures', () => {
  const fails = (err: unknown, reached?: boolean): Promise<unknown> => bedrockTransport(caller(() => Promise.reject(err), reached), SDK).send(request(CONVERSE, ask)).catch((e: unknown) => e);

  it('passes the HTTP layer’s UpstreamErrors through unchanged', async () => {
    const own = new UpstreamError('network', 'wait', 'connection reset after the request was sent (127.0.0.1:1)');
    expect(await fails(own)).toBe(own);
  });

  it('is phase connect only when the error proves nothing was sent', async () => {
    const coded = (code: string): Error => Object.assign(new Error(`connect ${code} 10.0.0.1:443 secret-header-value`), { code });
    expect(await fails(coded('ECONNREFUSED'))).toMatchObject({ failure: 'network', phase: 'connect' });
    expect(await fails(coded('ENOTFOUND'))).toMatchObject({ phase: 'connect' });
    expect(await fails(coded('ECONNRESET'))).toMatchObject({ phase: 'wait' });
    expect(await fails(new Error('socket hang up'))).toMatchObject({ phase: 'wait' });
    // A caller that can tell the call never reached the HTTP layer (region or signing failed first).
    expect(await fails(new Error('Region is missing'), false)).toMatchObject({ phase: 'connect' });
    const err = (await fails(coded('ECONNRESET'))) as UpstreamError;
    expect(err.message).toContain('ECONNRESET');
    expect(err.message).not.toContain('secret-header-value');
  });

  it('reads a 2xx answer the SDK could not parse as a receive failure', async () => {
    const err = Object.assign(new SyntaxError('Unexpected token'), { $metadata: meta(200) });
    expect(await fails(err)).toMatchObject({ failure: 'network', phase: 'receive' });
  });
});

describe('aborts', () => {
  it('fails at once when the signal already fired', async () => {
    const stop = new Stop();
    stop.abort('deadline');
    const c = caller(() => ({}));
    await expect(bedrockTransport(c, SDK).send(request(CONVERSE, ask, stop))).rejects.toMatchObject({ failure: 'aborted', phase: 'connect', reason: 'deadline' });
    expect(c.sent).toHaveLength(0);
  });

  it('adapts the StopSignal to the AbortSignal the SDK gets, keeps the reason, and lets go of the listener', async () => {
    const stop = new Stop();
    const c = caller(
      (_, signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })));
        }),
    );
    const pending = bedrockTransport(c, SDK).send(request(CONVERSE, ask, stop));
    await Promise.resolve();
    stop.abort('client_closed');
    await expect(pending).rejects.toMatchObject({ failure: 'aborted', phase: 'wait', reason: 'client_closed' });
    expect(c.sent[0]!.signal.reason).toBe('client_closed');

    const done = new Stop();
    await bedrockTransport(caller(() => ({ output: {} })), SDK).send(request(CONVERSE, ask, done));
    expect((done as unknown as { listeners: unknown[] }).listeners).toHaveLength(0);
  });
});

describe('ConverseStream', () => {
  it('writes each stream event as `event: <member>` with its JSON, skipping unknown members', async () => {
    const c = caller(() => ({
      stream: events(
        { messageStart: { role: 'assistant' } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hi' } } },
        { $unknown: ['newThing', {}] },
        { messageStop: { stopReason: 'end_turn' } },
        { metadata: { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 5 } } },
      ),
      $metadata: meta(200),
    }));
    const res = await bedrockTransport(c, SDK).send(request(STREAM, ask));
    expect(c.sent[0]!.command).toBeInstanceOf(ConverseStreamCommand);
    expect((c.sent[0]!.command.input as { modelId: string }).modelId).toBe('us.anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(await text(res)).toBe(
      [
        'event: messageStart\ndata: {"role":"assistant"}\n\n',
        'event: contentBlockDelta\ndata: {"contentBlockIndex":0,"delta":{"text":"Hi"}}\n\n',
        'event: messageStop\ndata: {"stopReason":"end_turn"}\n\n',
        'event: metadata\ndata: {"usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2},"metrics":{"latencyMs":5}}\n\n',
      ].join(''),
    );
  });

  it('turns an exception the SDK throws mid-stream into an `event: <exceptionMember>` and ends the body', async () => {
    const boom = new ModelStreamErrorException({ message: 'boom', originalStatusCode: 500, $metadata: {} });
    const res = await bedrockTransport(caller(() => ({ stream: events({ messageStart: { role: 'assistant' } }, boom) })), SDK).send(request(STREAM, ask));
    expect(await text(res)).toBe('event: messageStart\ndata: {"role":"assistant"}\n\nevent: modelStreamErrorException\ndata: {"message":"boom","originalStatusCode":500}\n\n');
  });

  it('keeps an exception before the stream starts an error answer (status from $metadata)', async () => {
    const res = await bedrockTransport(caller(() => Promise.reject(new ValidationException({ message: 'Input is too long for requested model.', $metadata: meta(400) }))), SDK).send(request(STREAM, ask));
    expect(res.status).toBe(400);
    expect(bedrockError(res.status, res.headers, await text(res), 0).class).toBe('context_length_exceeded');
  });

  it('fails the body with a receive-phase UpstreamError when the stream breaks otherwise', async () => {
    const res = await bedrockTransport(caller(() => ({ stream: events({ messageStart: { role: 'assistant' } }, new TypeError('bad CRC')) })), SDK).send(request(STREAM, ask));
    await expect(text(res)).rejects.toMatchObject({ failure: 'network', phase: 'receive' });
  });

  it('cancel() aborts the SDK call and stops reading', async () => {
    let pulled = 0;
    async function* slow(): AsyncGenerator<unknown> {
      for (;;) {
        pulled++;
        yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'x' } } };
      }
    }
    const c = caller(() => ({ stream: slow() }));
    const res = await bedrockTransport(c, SDK).send(request(STREAM, ask));
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    res.cancel();
    expect(c.sent[0]!.signal.aborted).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(pulled).toBeLessThanOrEqual(2);
  });
});

describe('InvokeModel (embeddings)', () => {
  const titan = (command: BedrockCommand): unknown => {
    const { inputText } = JSON.parse(String((command.input as { body: string }).body)) as { inputText: string };
    return { body: new TextEncoder().encode(JSON.stringify({ embedding: [inputText.length], inputTextTokenCount: 1 })), contentType: 'application/json', $metadata: meta(200) };
  };

  it('runs one call per body, a few at a time, and answers their answers in order', async () => {
    let running = 0;
    let most = 0;
    const c = caller(async (command) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return titan(command);
    });
    const bodies = Array.from({ length: 10 }, (_, i) => ({ inputText: 'x'.repeat(i) }));
    const res = await bedrockTransport(c, SDK).send(request(INVOKE, bodies));
    expect(c.sent.every((s) => s.command instanceof InvokeModelCommand && (s.command.input as { modelId: string }).modelId === 'amazon.titan-embed-text-v2:0')).toBe(true);
    expect(JSON.parse(await text(res))).toEqual(bodies.map((_, i) => ({ embedding: [i], inputTextTokenCount: 1 })));
    expect(most).toBe(INVOKE_CONCURRENCY);
  });

  it('stops at the first failure, aborts the calls in flight and answers with that failure', async () => {
    const c = caller(async (command, signal) => {
      const { inputText } = JSON.parse(String((command.input as { body: string }).body)) as { inputText: string };
      if (inputText === 'bad') throw new ThrottlingException({ message: 'slow down', $metadata: meta(429) });
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, 50);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(new Error('aborted'));
        });
      });
      return titan(command);
    });
    const res = await bedrockTransport(c, SDK).send(request(INVOKE, [{ inputText: 'a' }, { inputText: 'bad' }, { inputText: 'c' }, { inputText: 'd' }, { inputText: 'e' }, { inputText: 'f' }]));
    expect(res.status).toBe(429);
    expect(c.sent.length).toBeLessThan(6);
    expect(c.sent[0]!.signal.aborted).toBe(true);
  });
});
