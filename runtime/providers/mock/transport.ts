/**
 * The mock provider's transport: answers OpenAI-shaped requests in-process, following the
 * provider's script (replies, failure statuses, latency, streamed chunks), with no network.
 * Script position is kept per provider per process.
 * @module
 */
import type { StopSignal } from '../../core/stop.ts';
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

function response(status: number, contentType: string, body: AsyncIterable<Uint8Array>): UpstreamResponse {
  let cancelled = false;
  const iterable: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      for await (const part of body) {
        if (cancelled) return;
        yield part;
      }
    },
  };
  return {
    status,
    headers: { 'content-type': contentType },
    body: iterable,
    async text() {
      let out = '';
      for await (const part of iterable) out += new TextDecoder().decode(part);
      return out;
    },
    cancel() {
      cancelled = true;
    },
  };
}

async function* once(text: string): AsyncGenerator<Uint8Array> {
  yield encoder.encode(text);
}

async function* sseReply(body: JsonObject, text: string, delayMs: number, signal: StopSignal | undefined): AsyncGenerator<Uint8Array> {
  const id = `chatcmpl-mock-${Date.now().toString(36)}`;
  const model = String(body.model);
  const created = Math.floor(Date.now() / 1000);
  yield encoder.encode(encodeSse({ data: JSON.stringify(chunk(id, model, created, { role: 'assistant', content: '' }, null)) }));
  for (const piece of pieces(text)) {
    await sleep(delayMs, signal, 'receive');
    yield encoder.encode(encodeSse({ data: JSON.stringify(chunk(id, model, created, { content: piece }, null)) }));
  }
  yield encoder.encode(encodeSse({ data: JSON.stringify(chunk(id, model, created, {}, 'stop')) }));
  const opts = body.stream_options;
  if (isObject(opts) && opts.include_usage === true) {
    yield encoder.encode(encodeSse({ data: JSON.stringify(usageChunk(id, model, created, roughTokens(promptText(body)), text)) }));
  }
  yield encoder.encode(SSE_DONE);
}

/** A transport answering for one mock provider. */
export function mockTransport(provider: PlanProviderMock): UpstreamClient {
  let calls = 0;
  return {
    async send(request: UpstreamRequest): Promise<UpstreamResponse> {
      const step: PlanMockStep | undefined = provider.script.length > 0 ? provider.script[calls++ % provider.script.length] : undefined;
      const body = JSON.parse(typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body ?? new Uint8Array())) as JsonObject;
      await sleep(step?.latencyMs ?? provider.latencyMs, request.signal, 'wait');
      if (step?.status != null) return response(step.status, 'application/json', once(JSON.stringify(errorBody(step.status))));
      if (request.url.endsWith('/embeddings')) return response(200, 'application/json', once(JSON.stringify(embeddings(body))));
      const text = step?.reply ?? provider.reply ?? (lastUserText(body) || 'Hello from the mock provider.');
      if (body.stream === true) return response(200, 'text/event-stream', sseReply(body, text, provider.chunkDelayMs, request.signal));
      const id = `chatcmpl-mock-${Date.now().toString(36)}`;
      return response(200, 'application/json', once(JSON.stringify(completion(id, String(body.model), Math.floor(Date.now() / 1000), text, roughTokens(promptText(body))))));
    },
  };
}
