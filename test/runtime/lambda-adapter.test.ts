/** The Lambda adapter over recorded API Gateway REST proxy events, with a fake `awslambda` runtime global. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStreamingHandler } from '../../runtime/lambda/adapter.ts';
import { createSecretCache } from '../../runtime/lambda/secret-cache.ts';
import { CaptureStream, installFakeAwslambda } from '../support/fake-awslambda.ts';
import { type EventFixture, FIXTURE_ORIGIN_SECRET, loadEvent } from '../support/fixtures.ts';
import { testDeps } from '../support/context.ts';
import { examplePlan } from '../support/compile.ts';

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
  const handler = createStreamingHandler({
    runtime: testDeps(plan, { clock, secrets: secretCache.get }),
    secretCache,
    originVerifySecretId: secretId ?? undefined,
  });
  const invoke = async (event: APIGatewayProxyEvent) => {
    const stream = new CaptureStream();
    await handler(event, stream as unknown as awslambda.HttpResponseStream, { awsRequestId: 'lambda-request-id' } as Context);
    return { prelude: stream.prelude, text: stream.text, stream };
  };
  return { invoke, fetches, advance: (ms: number) => (now += ms) };
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
