/** `handle`: health, model list, not-implemented and not-found answers in the OpenAI error shape. */
import { describe, expect, it, vi } from 'vitest';
import type { HandlerContext } from '../../runtime/core/context.ts';
import { handle } from '../../runtime/core/handle.ts';
import type { Plan } from '../../runtime/plan.ts';
import { testPlan } from '../support/plan.ts';

const plan = testPlan();
const ctx: HandlerContext = {
  plan,
  clock: { now: () => 1_795_791_845_123 },
  secrets: () => Promise.reject(new Error('no secrets in these tests')),
};

const call = (method: string, path: string, context: HandlerContext = ctx): Promise<Response> =>
  handle(new Request(`https://gw.example${path}`, { method }), context);

describe('handle', () => {
  it('answers GET /healthz with the gateway, stage and Plan hash', async () => {
    const res = await call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'ok', gateway: 'acme', stage: 'prod', plan: plan.hash });
  });

  it('lists every alias of the Plan, sorted, in the OpenAI model list shape', async () => {
    const res = await call('GET', '/v1/models');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      object: 'list',
      data: ['chat', 'gpt-4o-mini', 'haiku', 'sonnet'].map((id) => ({ id, object: 'model', created: 0, owned_by: 'acme' })),
    });
  });

  it.each([
    ['POST', '/v1/chat/completions'],
    ['POST', '/v1/embeddings'],
    ['POST', '/v1/models'],
    ['GET', '/v1'],
  ])('answers %s %s with 501 not_implemented', async (method, path) => {
    const res = await call(method, path);
    expect(res.status).toBe(501);
    expect(await res.json()).toEqual({
      error: { message: `${method} ${path} is not implemented by this gateway yet.`, type: 'api_error', param: null, code: 'not_implemented' },
    });
  });

  it.each([
    ['GET', '/'],
    ['GET', '/v1x/models'],
    ['POST', '/healthz'],
  ])('answers %s %s with 404 not_found', async (method, path) => {
    const res = await call(method, path);
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { error: { code: string; type: string; param: null } };
    expect(body.error).toMatchObject({ code: 'not_found', type: 'invalid_request_error', param: null });
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
    const res = await call('GET', '/healthz', { ...ctx, plan: broken });
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { message: 'The gateway failed to handle this request.', type: 'server_error', param: null, code: 'internal_error' },
    });
    expect(text).not.toMatch(/boom|sk-live|\/work\/|at /);
  });
});
