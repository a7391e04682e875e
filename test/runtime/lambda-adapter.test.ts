/** The Lambda adapter over recorded API Gateway REST proxy events, with a fake `awslambda` runtime global. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStreamingHandler } from '../../runtime/lambda/adapter.ts';
import { createSecretCache } from '../../runtime/lambda/secret-cache.ts';
import { CaptureStream, installFakeAwslambda } from '../support/fake-awslambda.ts';
import { type EventFixture, FIXTURE_ORIGIN_SECRET, loadEvent } from '../support/fixtures.ts';
import { memoryLog, testDeps } from '../support/context.ts';
import { loggedIp } from '../../runtime/log/draft.ts';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { createAwsLogSink } from '../../runtime/log/aws.ts';
import { firehoseClientConfig } from '../../runtime/log/firehose.ts';
import { startFakeFirehose, type FakeFirehose } from '../support/fake-firehose/index.ts';
import { examplePlan, planFrom } from '../support/compile.ts';
import { slowHeaders, startFakeUpstream, stream, type FakeUpstream } from '../support/fake-upstream/index.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:SluiceOriginVerify-AbCdEf';
const plan = examplePlan('quickstart');

/** Secret store contents (served in turn, the last one repeating) and the configured secret ARN (null: unset). */
interface Setup {
  readonly values?: string[];
  readonly secretId?: string | null;
}

/** A handler over a fake secret store that counts fetches. */
function setup({ values = [FIXTURE_ORIGIN_SECRET], secretId = SECRET_ARN }: Setup = {}) {
  let now = 0;
  const fetches: string[] = [];
  const fetch = async (id: string): Promise<string> => {
    fetches.push(id);
    const value = values.length > 1 ? values.shift() : values[0];
    if (value === undefined) throw new Error('AccessDeniedException: not authorized to read sk-very-secret');
    return value;
  };
  const clock = { now: () => now };
  const secretCache = createSecretCache(fetch, clock, 300_000);
  const log = memoryLog();
  const handler = createStreamingHandler({
    runtime: testDeps(plan, { clock, secrets: secretCache.get, log }),
    secretCache,
    originVerifySecretId: secretId ?? undefined,
  });
  const invoke = async (event: APIGatewayProxyEvent) => {
    const stream = new CaptureStream();
    await handler(event, stream as unknown as awslambda.HttpResponseStream, { awsRequestId: 'lambda-request-id' } as Context);
    return { prelude: stream.prelude, text: stream.text, stream };
  };
  return { invoke, fetches, records: log.records, advance: (ms: number) => (now += ms) };
}

const fixture = (name: EventFixture) => loadEvent(name);

beforeAll(installFakeAwslambda);
afterEach(() => {
  vi.restoreAllMocks();
});

describe('Lambda adapter', () => {
  it('serves /healthz from a CloudFront event: prelude first, then the JSON body', async () => {
    const { invoke, fetches } = setup();
    const { prelude, text, stream } = await invoke(fixture('healthz-get'));
    expect(prelude).toEqual({
      statusCode: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-sluice-request-id': '2f1d7c1e-0b7a-4c55-9d0e-1f2a3b4c5d6e',
        'x-sluice-cache': 'BYPASS',
      },
      cookies: [],
    });
    expect(JSON.parse(text)).toEqual({ status: 'ok', gateway: 'quickstart', stage: 'default', plan: plan.hash });
    expect(stream.writableFinished).toBe(true);
    expect(fetches).toEqual([SECRET_ARN]);
  });

  it('reads the origin secret once per environment (cold start), not per request', async () => {
    const { invoke, fetches } = setup();
    await invoke(fixture('healthz-get'));
    await invoke(fixture('models-get'));
    await invoke(fixture('chat-completions-post'));
    expect(fetches).toEqual([SECRET_ARN]);
  });

  it('lists models for GET /v1/models', async () => {
    const { invoke } = setup();
    const { prelude, text } = await invoke(fixture('models-get'));
    expect(prelude?.statusCode).toBe(200);
    expect((JSON.parse(text) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['chat', 'gpt-4o-mini', 'text-embedding-3-small']);
  });

  it('decodes a base64 POST body and streams the chat completion through the pipeline', async () => {
    const { invoke } = setup();
    const { prelude, text } = await invoke(fixture('chat-completions-post'));
    expect(prelude?.statusCode).toBe(200);
    expect(prelude?.headers).toMatchObject({ 'content-type': 'text/event-stream; charset=utf-8', 'x-sluice-route': 'chat', 'cache-control': 'no-cache' });
    const events = text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const content = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)) as { choices: { delta: { content?: string } }[] });
    expect(content.map((c) => c.choices[0]?.delta.content ?? '').join('')).toMatch(/^Hello from Sluice!|^The flaky mock answered/);
  });

  it('records the viewer behind CloudFront, not the edge that called API Gateway', async () => {
    const { invoke, records } = setup();
    await invoke(fixture('chat-completions-post'));
    expect(records).toHaveLength(1);
    expect(records[0]!.clientIp).toBe(loggedIp(plan, '203.0.113.7'));
    expect(records[0]!.clientIp).not.toBe(loggedIp(plan, '130.176.12.34'));
    expect(records[0]!.country).toBe('DE');
  });

  it.each(['unknown-path-get', 'root-get'] as const)('answers 404 not_found for %s', async (name) => {
    const { invoke } = setup();
    const { prelude, text } = await invoke(fixture(name));
    expect(prelude?.statusCode).toBe(404);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'not_found', param: null } });
  });

  it('refuses a call made around CloudFront (no origin header) without reading the secret', async () => {
    const { invoke, fetches } = setup();
    const { prelude, text } = await invoke(fixture('direct-execute-api-get'));
    expect(prelude?.statusCode).toBe(403);
    expect(JSON.parse(text)).toEqual({
      error: { message: 'Call this gateway through its public endpoint.', type: 'permission_error', param: null, code: 'origin_forbidden' },
    });
    expect((prelude?.headers as Record<string, string> | undefined)?.['x-sluice-cache']).toBe('BYPASS');
    expect(fetches).toEqual([]);
  });

  it('refuses a wrong origin value, refetching the secret at most once a minute', async () => {
    const { invoke, fetches, advance } = setup();
    const event = fixture('healthz-get');
    event.headers['x-sluice-origin-verify'] = 'guessed';
    event.multiValueHeaders['x-sluice-origin-verify'] = ['guessed'];
    expect((await invoke(event)).prelude?.statusCode).toBe(403);
    expect((await invoke(event)).prelude?.statusCode).toBe(403);
    expect(fetches).toHaveLength(1);
    advance(60_000);
    expect((await invoke(event)).prelude?.statusCode).toBe(403);
    expect(fetches).toHaveLength(2);
  });

  it('accepts a rotated secret once the old value stops matching', async () => {
    const { invoke, fetches, advance } = setup({ values: ['previous-value', FIXTURE_ORIGIN_SECRET] });
    // The cached value is younger than a minute: not refetched yet.
    expect((await invoke(fixture('healthz-get'))).prelude?.statusCode).toBe(403);
    advance(60_000);
    expect((await invoke(fixture('healthz-get'))).prelude?.statusCode).toBe(200);
    expect(fetches).toHaveLength(2);
  });

  it('refuses every request when the secret ARN is not configured', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { invoke, fetches } = setup({ secretId: null });
    expect((await invoke(fixture('healthz-get'))).prelude?.statusCode).toBe(403);
    expect(fetches).toEqual([]);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('origin-verify secret ARN is not configured'));
  });

  it('answers 500 internal_error when the secret cannot be read, leaking nothing, and retries next time', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { invoke, fetches } = setup({ values: [] });
    const { prelude, text } = await invoke(fixture('healthz-get'));
    expect(prelude?.statusCode).toBe(500);
    expect(text).not.toMatch(/AccessDenied|sk-very-secret|at /);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal_error', type: 'server_error' } });
    await invoke(fixture('healthz-get'));
    expect(fetches).toHaveLength(2);
    expect(logged).toHaveBeenCalledTimes(2); // the operator sees the cause in the function's log
  });

  it('answers 400 invalid_request for an event without a method', async () => {
    const { invoke } = setup();
    const event = fixture('healthz-get') as unknown as Record<string, unknown>;
    delete event.httpMethod;
    const { prelude, text } = await invoke(event as unknown as APIGatewayProxyEvent);
    expect(prelude?.statusCode).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('falls back to the Lambda request id when the event has no request context', async () => {
    const { invoke } = setup();
    const event = fixture('healthz-get') as unknown as Record<string, unknown>;
    delete event.requestContext;
    const { prelude } = await invoke(event as unknown as APIGatewayProxyEvent);
    expect(prelude?.headers).toMatchObject({ 'x-sluice-request-id': 'lambda-request-id' });
  });
});

describe('Lambda adapter, client disconnect', () => {
  let up: FakeUpstream;
  beforeAll(async () => {
    up = await startFakeUpstream({ name: 'up' });
  });
  afterAll(async () => {
    await up?.close();
  });

  function streamingHandler() {
    const proxyPlan = planFrom(`version: 1
gateway: { name: lambda-gone, auth: none }
providers:
  up: { type: openai, base_url: "${up.baseUrl}", api_key: { env: UP_KEY } }
route_defaults: { timeout: 10s, first_token_timeout: 10s, deadline: 20s, retry: { attempts: 0 } }
routes:
  chat: { aliases: [chat], strategy: up/gpt-4o-mini }
`);
    const secretCache = createSecretCache(async () => FIXTURE_ORIGIN_SECRET, { now: () => 0 }, 300_000);
    const log = memoryLog();
    const handler = createStreamingHandler({ runtime: testDeps(proxyPlan, { log, env: { UP_KEY: 'sk-lambda-upstream' } }), secretCache, originVerifySecretId: SECRET_ARN });
    const event = fixture('chat-completions-post');
    event.body = JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'Hello' }] });
    event.isBase64Encoded = false;
    return { handler, event, records: log.records };
  }

  it('aborts the upstream call when the response stream closes while the provider is still silent', async () => {
    const { handler, event, records } = streamingHandler();
    up.reset();
    up.script(slowHeaders(5_000, stream({ content: 'too late' })));
    const out = new CaptureStream();
    const started = Date.now();
    const done = handler(event, out as unknown as awslambda.HttpResponseStream, { awsRequestId: 'gone-1' } as Context);
    await up.waitForRequests(1);
    out.destroy();
    await done;
    await up.waitForSettled(3000);
    expect(up.requests[0]!.outcome).toBe('client-closed');
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(records).toHaveLength(1);
  });

  it('stops relaying when the response stream fails mid-answer, and still writes the record', async () => {
    const { handler, event, records } = streamingHandler();
    up.reset();
    up.script(stream({ chunks: Array.from({ length: 60 }, (_, i) => `w${i} `), delayMs: 50 }));
    const out = new CaptureStream();
    const done = handler(event, out as unknown as awslambda.HttpResponseStream, { awsRequestId: 'gone-2' } as Context);
    await vi.waitFor(() => expect(out.text).toContain('w1 '), { timeout: 3000 });
    out.destroy(new Error('client went away'));
    await done;
    await up.waitForSettled(3000);
    expect(up.requests[0]!.outcome).toBe('client-closed');
    expect(up.requests[0]!.eventsSent).toBeLessThan(60);
    expect(records).toHaveLength(1);
  });
});

describe('Lambda adapter, request records to Firehose', () => {
  let firehose: FakeFirehose;
  beforeAll(async () => {
    firehose = await startFakeFirehose();
  });
  afterAll(async () => {
    await firehose?.close();
  });

  /** A response stream whose client reads slowly: each write takes 150 ms to drain. */
  class SlowClient extends CaptureStream {
    override _write(chunk: Buffer | string, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
      setTimeout(() => super._write(chunk, encoding, done), 150);
    }
  }

  it('ships the record only after the answer reached the client, and before the invocation returns', async () => {
    const client = new FirehoseClient({ ...firehoseClientConfig(), endpoint: firehose.url, region: 'eu-west-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
    const log = createAwsLogSink({ plan, streamName: 'sluice-test-logs', out: { write: () => true }, firehose: { client } });
    const secretCache = createSecretCache(async () => FIXTURE_ORIGIN_SECRET, { now: () => 0 }, 300_000);
    const handler = createStreamingHandler({ runtime: testDeps(plan, { log }), secretCache, originVerifySecretId: SECRET_ARN });
    for (const name of ['healthz-get', 'chat-completions-post'] as const) {
      firehose.reset();
      const out = new SlowClient();
      let callsWhenAnswered = -1;
      out.once('finish', () => (callsWhenAnswered = firehose.calls.length));
      await handler(fixture(name), out as unknown as awslambda.HttpResponseStream, { awsRequestId: `fh-${name}` } as Context);
      expect(out.writableFinished, name).toBe(true);
      expect(callsWhenAnswered, name).toBe(0);
      expect(firehose.delivered, name).toHaveLength(1);
      expect(JSON.parse(firehose.delivered[0]!), name).toMatchObject({ v: 1, status: 200 });
    }
    client.destroy();
  });
});
