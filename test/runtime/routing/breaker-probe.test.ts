/**
 * The circuit breaker's single probe through the real pipeline: a probe that ends with no
 * verdict (its client left) is given back, so the target is tried again instead of staying
 * open for the life of the process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from '../../../runtime/core/handle.ts';
import { createBreakers } from '../../../runtime/routing/breaker.ts';
import { planFrom } from '../../support/compile.ts';
import { testContext, testDeps } from '../../support/context.ts';
import { fail, reply, slowHeaders, startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream/index.ts';

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream({ name: 'up' });
});
afterAll(async () => {
  await up?.close();
});

function rig() {
  let now = Date.UTC(2030, 0, 1);
  const breakers = createBreakers({ threshold: 1, cooldownMs: 1000 });
  const plan = planFrom(`version: 1
gateway: { name: probe, auth: none }
providers:
  up: { type: openai, base_url: "${up.baseUrl}", api_key: { env: UP_KEY } }
route_defaults: { timeout: 5s, deadline: 10s, retry: { attempts: 0 } }
routes:
  solo: { aliases: [solo], strategy: up/gpt-4o-mini }
`);
  const deps = testDeps(plan, { breakers, clock: { now: () => now }, env: { UP_KEY: 'sk-probe-upstream' } });
  const send = async (signal?: AbortSignal) => {
    const ctx = testContext(deps);
    const request = new Request('http://gw.test/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'solo', messages: [{ role: 'user', content: 'Hello' }] }),
      ...(signal ? { signal } : {}),
    });
    const res = await handle(request, ctx);
    const text = await res.text().catch(() => '');
    await ctx.settle();
    return { status: res.status, text };
  };
  return { send, breakers, advance: (ms: number) => (now += ms) };
}

describe('the circuit breaker probe', () => {
  it('is given back when its client leaves, and the next call probes the target again', async () => {
    const { send, advance } = rig();
    up.reset();
    up.script(fail(500));
    expect((await send()).status).toBe(502);
    // Open: refused without calling the target.
    expect(JSON.parse((await send()).text)).toMatchObject({ error: { code: 'upstream_unavailable' } });
    expect(up.count).toBe(1);
    advance(1000);
    // The probe: the client gives up while the target is still thinking.
    up.script(slowHeaders(2000, reply({ content: 'late' })));
    const controller = new AbortController();
    const probing = send(controller.signal);
    await up.waitForRequests(2);
    controller.abort();
    await probing;
    expect(up.count).toBe(2);
    // Another probe is allowed at once, and its success closes the breaker.
    up.script(reply({ content: 'back' }));
    const next = await send();
    expect(next.status).toBe(200);
    expect(next.text).toContain('back');
    expect((await send()).status).toBe(200);
    expect(up.count).toBe(4);
  });

  it('stays open while a probe is in flight, and reopens when the probe fails', async () => {
    const { send, breakers, advance } = rig();
    up.reset();
    up.script(fail(500));
    await send();
    advance(1000);
    expect(breakers.acquire('up/gpt-4o-mini', Date.UTC(2030, 0, 1) + 1000)).toBe(true); // someone else's probe
    expect(JSON.parse((await send()).text)).toMatchObject({ error: { code: 'upstream_unavailable' } });
    breakers.failure('up/gpt-4o-mini', Date.UTC(2030, 0, 1) + 1000);
    expect(JSON.parse((await send()).text)).toMatchObject({ error: { code: 'upstream_unavailable' } });
    expect(up.count).toBe(1);
  });
});
