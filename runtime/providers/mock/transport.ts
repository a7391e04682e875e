/**
 * The mock provider's transport: answers OpenAI-shaped requests in-process, following the
 * provider's script (replies, failure statuses, latency, streamed chunks), with no network.
 * Script position is kept per provider per process.
 * @module
 */
import type { StopSignal } from '../../core/stop.ts';
import { tooLargeError } from '../../http/errors.ts';
import { UpstreamError, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from '../../http/types.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import type { PlanMockStep, PlanProviderMock } from '../../plan.ts';
import { encodeSse, SSE_DONE } from '../../sse/encoder.ts';
import { chunk, completion, embeddings, errorBody, lastUserText, pieces, promptText, roughTokens, usageChunk } from './replies.ts';

const encoder = new TextEncoder();

/** Waits `ms`, or fails with an aborted UpstreamError when `signal` fires first. */
function sleep(ms: number, signal: StopSignal | undefined, phase: 'wait' | 'receive'): Promise<void> {
  if (signal?.aborted) return Promise.reject(new UpstreamError('aborted', phase, 'aborted', signal.reason));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new UpstreamError('aborted', phase, 'aborted', signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A whole answer (JSON bodies): read with `text()` as it is, or as one piece through `body`. */
function textAnswer(status: number, text: string): UpstreamResponse {
  let cancelled = false;
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: {
      async *[Symbol.asyncIterator]() {
        if (!cancelled) yield encoder.encode(text);
      },
    },
    text(maxBytes) {
      return Buffer.byteLength(text) > maxBytes ? Promise.reject(tooLargeError(maxBytes)) : Promise.resolve(text);
    },
    cancel() {
      cancelled = true;
    },
  };
}

/** The SSE events of a streamed reply, in order; `pieces` of them carry the reply's text. */
function sseEvents(body: JsonObject, text: string): { readonly events: string[]; readonly pieces: number } {
  const id = `chatcmpl-mock-${Date.now().toString(36)}`;
  const model = String(body.model);
  const created = Math.floor(Date.now() / 1000);
  const parts = pieces(text);
  const events = [encodeSse({ data: JSON.stringify(chunk(id, model, created, { role: 'assistant', content: '' }, null)) })];
  for (const piece of parts) events.push(encodeSse({ data: JSON.stringify(chunk(id, model, created, { content: piece }, null)) }));
  events.push(encodeSse({ data: JSON.stringify(chunk(id, model, created, {}, 'stop')) }));
  const opts = body.stream_options;
  if (isObject(opts) && opts.include_usage === true) events.push(encodeSse({ data: JSON.stringify(usageChunk(id, model, created, roughTokens(promptText(body)), text)) }));
  events.push(SSE_DONE);
  return { events, pieces: parts.length };
}

/**
 * A streamed reply: one event per read, each text piece after `delayMs` (a fired `signal`
 * fails the read). A plain iterator, not async generators: a chain of those per answer
 * outlived V8's young-generation collections and was promoted, a MiB every ~10 collections.
 */
function sseAnswer(body: JsonObject, text: string, delayMs: number, signal: StopSignal | undefined): UpstreamResponse {
  const { events, pieces: count } = sseEvents(body, text);
  let next = 0;
  let cancelled = false;
  const iterator: AsyncIterator<Uint8Array> = {
    async next() {
      if (next >= 1 && next <= count && !cancelled) await sleep(delayMs, signal, 'receive');
      if (cancelled || next >= events.length) return { done: true, value: undefined };
      return { done: false, value: encoder.encode(events[next++]!) };
    },
    async return() {
      cancelled = true;
      return { done: true, value: undefined };
    },
  };
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: { [Symbol.asyncIterator]: () => iterator },
    async text(maxBytes) {
      let out = '';
      let size = 0;
      for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) {
        size += r.value.byteLength;
        if (size > maxBytes) throw tooLargeError(maxBytes);
        out += events[next - 1]!;
      }
      return out;
    },
    cancel() {
      cancelled = true;
    },
  };
}

/** A transport answering for one mock provider. */
export function mockTransport(provider: PlanProviderMock): UpstreamClient {
  let calls = 0;
  return {
    async send(request: UpstreamRequest): Promise<UpstreamResponse> {
      const step: PlanMockStep | undefined = provider.script.length > 0 ? provider.script[calls++ % provider.script.length] : undefined;
      const body = JSON.parse(typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body ?? new Uint8Array())) as JsonObject;
      await sleep(step?.latencyMs ?? provider.latencyMs, request.signal, 'wait');
      if (step?.status != null) return textAnswer(step.status, JSON.stringify(errorBody(step.status)));
      if (request.url.endsWith('/embeddings')) return textAnswer(200, JSON.stringify(embeddings(body)));
      const text = step?.reply ?? provider.reply ?? (lastUserText(body) || 'Hello from the mock provider.');
      if (body.stream === true) return sseAnswer(body, text, provider.chunkDelayMs, request.signal);
      const id = `chatcmpl-mock-${Date.now().toString(36)}`;
      return textAnswer(200, JSON.stringify(completion(id, String(body.model), Math.floor(Date.now() / 1000), text, roughTokens(promptText(body)))));
    },
  };
}
