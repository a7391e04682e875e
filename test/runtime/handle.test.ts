/**
 * `handle` at the router: health, the model list per caller, keys, methods and paths,
 * request ids, and failures that never leak their message or stack.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { handle } from '../../runtime/core/handle.ts';
import type { Plan } from '../../runtime/plan.ts';
import { planFrom } from '../support/compile.ts';
import { testContext, testDeps } from '../support/context.ts';

const plan = planFrom(`version: 1
gateway: { name: acme }
providers: { m: { type: mock } }
routes:
  chat: { aliases: [gpt-4o-mini, chat], strategy: m/small }
  smart: { aliases: [gpt-4o], strategy: m/large }
  embed: { type: embeddings, aliases: [text-embedding-3-small], strategy: m/embed }
consumers:
  narrow: { keys: [{ sha256: ${sha('sk-narrow')} }], routes: [chat] }
  wide: { keys: [{ sha256: ${sha('sk-wide')} }, { sha256: ${sha('sk-old')}, expires: 2020-01-01 }] }
  rotating: { keys: [{ sha256: ${sha('sk-rot-current')}, label: 2026-q4 }, { sha256: ${sha('sk-rot-next')}, label: 2027-q1, expires: 2099-01-01 }], routes: [smart] }
`);

function sha(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const call = (method: string, path: string, headers: Record<string, string> = {}, p: Plan = plan): Promise<Response> =>
  handle(new Request(`http://gw.test${path}`, { method, headers }), testContext(testDeps(p)));

describe('handle', () => {
  it('answers GET /healthz without a key, with the gateway, stage and Plan hash', async () => {
    const res = await call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-sluice-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ status: 'ok', gateway: 'acme', stage: 'default', plan: plan.hash });
  });

  it('lists only the aliases of the routes the caller may use', async () => {
    const ids = async (key: string): Promise<string[]> => ((await (await call('GET', '/v1/models', { authorization: `Bearer ${key}` })).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(await ids('sk-narrow')).toEqual(['chat', 'gpt-4o-mini']);
    expect(await ids('sk-wide')).toEqual(['chat', 'gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
  });

  it.each([
    [{}, 401, 'missing_api_key'],
    [{ authorization: 'Bearer sk-unknown' }, 401, 'invalid_api_key'],
    [{ authorization: 'Basic abc' }, 401, 'missing_api_key'],
    [{ 'x-api-key': 'sk-unknown' }, 401, 'invalid_api_key'],
    [{ authorization: 'Bearer sk-old' }, 401, 'expired_api_key'],
    [{ 'x-api-key': 'sk-wide' }, 200, null],
  ])('checks keys: %j → %i', async (headers, status, code) => {
    const res = await call('GET', '/v1/models', headers);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error?: { code: string; type: string } };
    if (code) expect(body.error).toMatchObject({ code, type: 'authentication_error' });
    expect(JSON.stringify(body)).not.toContain('sk-');
  });

  it('takes both keys of a consumer during a rotation, as the same consumer', async () => {
    for (const key of ['sk-rot-current', 'sk-rot-next']) {
      const res = await call('GET', '/v1/models', { authorization: `Bearer ${key}` });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['gpt-4o']);
    }
  });

  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const res = await call('GET', '/v1/chat/completions');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it.each(['/', '/v1', '/v1x/models', '/v1/messages/x'])('answers 404 not_found for GET %s', async (path) => {
    const res = await call('GET', path);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found', type: 'not_found_error', param: null } });
  });

  it('quotes at most 200 characters of a long path', async () => {
    const res = await call('GET', `/${'a'.repeat(500)}`);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toBe(`No route for GET /${'a'.repeat(199)}….`);
  });

  it('turns an unexpected failure into internal_error without its message or stack', async () => {
    const broken = new Proxy(plan, {
      get(): never {
        throw new Error('boom: sk-live-secret at /work/main/runtime/core/routes/healthz.ts:20');
      },
    }) as Plan;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await call('GET', '/healthz', {}, broken);
    // The failure, and the record that could not be built from a broken Plan: reported, never quoted.
    expect(logged).toHaveBeenCalledTimes(2);
    expect(JSON.stringify(logged.mock.calls)).not.toMatch(/boom|sk-live/);
    logged.mockRestore();
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { message: 'The gateway failed to handle this request.', type: 'server_error', param: null, code: 'internal_error' } });
    expect(text).not.toMatch(/boom|sk-live|\/work\/|at /);
  });
});
