/**
 * The mock provider through the real pipeline: scripted replies and failure statuses in
 * order, then from the start again, per-step and default latency, streamed chunks with their
 * delay, usage, and a client that leaves mid-stream.
 */
import { describe, expect, it } from 'vitest';
import { handle } from '../../../../runtime/core/handle.ts';
import { planFrom } from '../../../support/compile.ts';
import { testContext, testDeps } from '../../../support/context.ts';

const plan = planFrom(`version: 1
gateway: { name: mocks, auth: none }
providers:
  steady: { type: mock, reply: "one two three four", latency: 120ms, chunk_delay: 40ms }
  scripted:
    type: mock
    reply: "default reply"
    script:
      - { status: 503 }
      - { reply: "second call", latency: 150ms }
      - { status: 429 }
routes:
  steady: { aliases: [steady], strategy: steady/m, retry: { attempts: 0 } }
  scripted: { aliases: [scripted], strategy: scripted/m, retry: { attempts: 0 } }
`);

async function send(model: string, extra: Record<string, unknown> = {}, signal?: AbortSignal) {
  const ctx = testContext(testDeps(plan));
  const started = performance.now();
  const res = await handle(
    new Request('http://gw.test/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], ...extra }),
      ...(signal ? { signal } : {}),
    }),
    ctx,
  );
  return { res, started, ctx };
}

describe('the mock provider', () => {
  it('plays its script in order, one step per call, then from the start again', async () => {
    const seen: [number, string | null][] = [];
    const elapsed: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { res, started } = await send('scripted');
      elapsed.push(performance.now() - started);
      const body = (await res.json()) as { choices?: { message: { content: string } }[]; error?: { code: string } };
      seen.push([res.status, body.choices?.[0]?.message.content ?? body.error?.code ?? null]);
    }
    expect(seen).toEqual([
      [503, 'upstream_overloaded'],
      [200, 'second call'],
      [429, 'upstream_rate_limited'],
      [503, 'upstream_overloaded'],
      [200, 'second call'],
    ]);
    // The second step's own latency (the provider has none by default).
    expect(elapsed[1]!).toBeGreaterThanOrEqual(145);
  });

  it('waits its latency before answering, and reports usage', async () => {
    const { res, started } = await send('steady');
    const body = (await res.json()) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    expect(body.choices[0]!.message.content).toBe('one two three four');
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('streams its reply in pieces, chunk_delay apart, with a usage chunk when asked', async () => {
    const { res, started } = await send('steady', { stream: true, stream_options: { include_usage: true } });
    const reader = res.body!.getReader();
    const arrivals: number[] = [];
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push(performance.now() - started);
      text += new TextDecoder().decode(value);
    }
    const events = text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)) as { choices: { delta: { content?: string } }[]; usage?: unknown });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one two three four');
    expect(chunks.at(-1)!.usage).toBeTruthy();
    // The latency, then the pieces spread out by their delay (not all at once).
    expect(arrivals[0]!).toBeGreaterThanOrEqual(115);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(80);
  });

  it('stops streaming when the client leaves', async () => {
    const controller = new AbortController();
    const { res, ctx } = await send('steady', { stream: true }, controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel();
    await ctx.settle();
    const records = (ctx.log as unknown as { records: { status: number }[] }).records;
    expect(records.at(-1)!.status).toBe(499);
  });
});
