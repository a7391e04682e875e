/** Carries out one behaviour for one request. */
import { embeddingsResponse } from './embeddings.ts';
import { sendBody, type Exchange } from './exchange.ts';
import { untilAborted, wait } from './lifetime.ts';
import { chatCompletion, errorBody } from './shapes.ts';
import { sendStream } from './sse.ts';
import type { Behaviour, FailOptions } from './types.ts';

/** The body of the malformed-JSON behaviour: a chat completion cut off mid-string. */
export const MALFORMED_BODY = '{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel';

/** `Retry-After` header text: seconds as is, a date as an HTTP date. */
function retryAfterText(value: number | Date | string): string {
  if (value instanceof Date) return value.toUTCString();
  return String(value);
}

/** Sends an HTTP error reply. */
function sendFailure(x: Exchange, status: number, o: FailOptions): void {
  const headers: Record<string, string> = { ...o.headers };
  if (o.retryAfter !== undefined) headers['retry-after'] = retryAfterText(o.retryAfter);
  if (o.retryAfterMs !== undefined) headers['retry-after-ms'] = String(o.retryAfterMs);
  const body = o.body !== undefined ? o.body : errorBody(status, o);
  sendBody(x, status, body, headers, o.contentType);
}

/** The model list served on `GET /v1/models`. */
function modelList(name: string): unknown {
  return { object: 'list', data: [{ id: `${name}-model`, object: 'model', created: 0, owned_by: name }] };
}

/** Answers `x` as `b` says; resolves when the behaviour has done its part. */
export async function serve(b: Behaviour, x: Exchange): Promise<void> {
  switch (b.kind) {
    case 'ok':
      if (x.req.endpoint === 'embeddings') return serve({ kind: 'embeddings', options: {} }, x);
      if (x.req.endpoint === 'models') return sendBody(x, 200, modelList(x.req.upstream));
      return serve({ kind: 'reply', options: {} }, x);
    case 'reply':
      if (x.req.stream) return sendStream(x, b.options);
      return sendBody(x, 200, chatCompletion(x.req, b.options), b.options.headers);
    case 'stream':
      return sendStream(x, b.options);
    case 'embeddings':
      return sendBody(x, 200, embeddingsResponse(x.req, b.options));
    case 'fail':
      return sendFailure(x, b.status, b.options);
    case 'slowHeaders':
      if (await wait(b.ms, x.signal)) await serve(b.then, x);
      return;
    case 'resetBeforeHeaders':
      return x.reset('rst');
    case 'resetMidStream':
      return sendStream(x, b.options, { after: b.afterChunks, how: 'reset' });
    case 'malformedJson':
      return sendBody(x, 200, MALFORMED_BODY, {}, 'application/json');
    case 'malformedChunk':
      return sendStream(x, b.options, { after: b.afterChunks, how: 'malformed' });
    case 'errorInStream':
      return sendStream(x, b.options, { after: b.afterChunks, how: 'error', error: b.error });
    case 'errorAsFirstEvent':
      return sendStream(x, b.options, { after: 0, how: 'error', error: b.error });
    case 'cutStream':
      return sendStream(x, b.options, { after: b.afterChunks, how: 'cut' });
    case 'hang':
      return untilAborted(x.signal);
    case 'custom':
      await b.handler(x.req, x.res, { signal: x.signal, wait: (ms) => wait(ms, x.signal) });
      return;
  }
}

/** Answers after a behaviour threw: a 500 if nothing was sent yet, else a reset. */
export function serveCrash(x: Exchange, error: unknown): void {
  console.error(`fake upstream ${x.req.upstream}: behaviour ${x.req.behaviour} threw`, error);
  if (x.res.headersSent || x.res.destroyed) return x.reset('fin');
  const message = `fake upstream behaviour failed: ${error instanceof Error ? error.message : String(error)}`;
  sendBody(x, 500, errorBody(500, { message }));
}

