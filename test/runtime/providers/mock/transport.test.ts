/**
 * The mock transport's answers as the pipeline reads them: whole JSON bodies through `text()`
 * or `body`, streams one SSE event per read, the caller's byte cap, cancellation, and a
 * stop signal between pieces.
 */
import { describe, expect, it } from 'vitest';
import { Stop } from '../../../../runtime/core/stop.ts';
import { UpstreamError, type UpstreamRequest } from '../../../../runtime/http/types.ts';
import type { PlanProviderMock } from '../../../../runtime/plan.ts';
import { mockTransport } from '../../../../runtime/providers/mock/transport.ts';
import { planFrom } from '../../../support/compile.ts';

const plan = planFrom(`version: 1
gateway: { name: mock-transport, auth: none }
providers:
  quick: { type: mock, reply: "alpha beta gamma", latency: 0ms, chunk_delay: 0ms }
  slow: { type: mock, reply: "alpha beta gamma", latency: 0ms, chunk_delay: 200ms }
routes:
  chat: { aliases: [chat], strategy: quick/m }
  slow: { aliases: [slow], strategy: slow/m }
`);
const provider = (name: string): PlanProviderMock => plan.providers[name] as PlanProviderMock;

function request(body: Record<string, unknown>, signal?: Stop): UpstreamRequest {
  return {
    method: 'POST',
    url: 'mock://quick/chat/completions',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], ...body }),
    ...(signal ? { signal } : {}),
  };
}

async function read(body: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const part of body) out.push(Buffer.from(part).toString());
  return out;
}

describe('mock transport answers', () => {
  it('a JSON answer reads the same through text() and body, and refuses to exceed the cap', async () => {
    const t = mockTransport(provider('quick'));
    const a = await t.send(request({}));
    const text = await a.text(1 << 20);
    expect(JSON.parse(text).choices[0].message.content).toBe('alpha beta gamma');
    const b = await t.send(request({}));
    const pieces = await read(b.body);
    expect(pieces.length).toBe(1);
    expect(JSON.parse(pieces[0]!).choices).toEqual(JSON.parse(text).choices);
    const c = await t.send(request({}));
    await expect(c.text(10)).rejects.toMatchObject({ failure: 'too_large', phase: 'receive' });
  });

  it('a stream gives one event per read, usage when asked, and ends with [DONE]', async () => {
    const res = await mockTransport(provider('quick')).send(request({ stream: true, stream_options: { include_usage: true } }));
    expect(res.headers['content-type']).toBe('text/event-stream');
    const events = await read(res.body);
    expect(events.length).toBe(1 + 3 + 1 + 1 + 1);
    expect(events.every((e) => e.startsWith('data: ') && e.endsWith('\n\n'))).toBe(true);
    const pieces = events.slice(1, 4).map((e) => JSON.parse(e.slice(6)).choices[0].delta.content);
    expect(pieces.join('')).toBe('alpha beta gamma');
    expect(JSON.parse(events[4]!.slice(6)).choices[0].finish_reason).toBe('stop');
    expect(JSON.parse(events[5]!.slice(6)).usage.completion_tokens).toBeGreaterThan(0);
    expect(events[6]).toBe('data: [DONE]\n\n');
  });

  it('a stream read whole through text() is its events joined, within the cap', async () => {
    const t = mockTransport(provider('quick'));
    const whole = await (await t.send(request({ stream: true }))).text(1 << 20);
    expect(whole.split('\n\n').filter(Boolean).length).toBe(1 + 3 + 1 + 1);
    await expect((await t.send(request({ stream: true }))).text(100)).rejects.toBeInstanceOf(UpstreamError);
  });

  it('cancel() and a reader leaving early end the stream', async () => {
    const t = mockTransport(provider('quick'));
    const res = await t.send(request({ stream: true }));
    const it = res.body[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    res.cancel();
    expect((await it.next()).done).toBe(true);
    const early = await t.send(request({ stream: true }));
    let n = 0;
    for await (const _ of early.body) if (++n === 2) break;
    expect((await early.body[Symbol.asyncIterator]().next()).done).toBe(true);
  });

  it('a stop signal between pieces fails the next read as aborted, in the receive phase', async () => {
    const stop = new Stop();
    const res = await mockTransport(provider('slow')).send(request({ stream: true }, stop));
    const it = res.body[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    const pending = it.next();
    setTimeout(() => stop.abort('client_closed'), 20);
    await expect(pending).rejects.toMatchObject({ failure: 'aborted', phase: 'receive' });
  });
});
