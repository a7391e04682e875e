/** Carries out one behaviour for one request: JSON messages, SSE streams, errors. */
import type { ServerResponse } from 'node:http';
import { untilAborted, wait } from '../fake-upstream/lifetime.ts';
import { errorBody, frame, message, streamEvents, type WireEvent } from './messages.ts';
import type { AnthropicRequest, Behaviour, ErrorSpec, FailOptions, StreamOptions } from './types.ts';

/** One request being answered. */
export interface Exchange {
  readonly req: AnthropicRequest;
  readonly res: ServerResponse;
  /** Aborted when the client goes away or the fake closes. */
  readonly signal: AbortSignal;
}

function requestId(x: Exchange): string {
  return `req_${x.req.upstream.replace(/\W/g, '_')}_${x.req.seq}`;
}

function head(x: Exchange, status: number, headers: Readonly<Record<string, string>>): void {
  x.res.writeHead(status, { 'request-id': requestId(x), ...headers });
  x.req.status = status;
}

/** Sends a whole body (JSON unless it is a string). */
export function sendBody(x: Exchange, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  head(x, status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  x.res.end(text);
}

/** An HTTP error with an Anthropic error body. */
export function sendFailure(x: Exchange, status: number, o: FailOptions): void {
  const headers: Record<string, string> = { ...o.headers };
  if (o.retryAfter !== undefined) headers['retry-after'] = String(o.retryAfter);
  sendBody(x, status, o.body !== undefined ? o.body : errorBody(status, o, requestId(x)), headers);
}

function write(x: Exchange, text: string): Promise<boolean> {
  if (x.signal.aborted || x.res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    x.signal.addEventListener('abort', onAbort, { once: true });
    x.res.write(text, (err) => {
      x.signal.removeEventListener('abort', onAbort);
      resolve(!err);
    });
  });
}

/** Streams the message's events; with `failAfter`, sends that many, then an `error` event, then ends. */
async function sendStream(x: Exchange, o: StreamOptions, failAfter: { after: number; error: ErrorSpec } | null = null): Promise<void> {
  let events: WireEvent[] = streamEvents(x.req, o);
  if (failAfter) {
    const e = errorBody(529, { type: 'overloaded_error', ...failAfter.error }, requestId(x));
    events = [...events.slice(0, failAfter.after), { type: 'error', data: { type: 'error', error: e.error } }];
  }
  head(x, 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...o.headers });
  x.res.flushHeaders();
  for (const [i, e] of events.entries()) {
    if (i > 0 && !(await wait(o.delayMs ?? 0, x.signal))) return;
    if (!(await write(x, frame(e)))) return;
    x.req.eventsSent++;
  }
  x.res.end();
}

/** Answers `x` as `b` says. */
export async function serve(b: Behaviour, x: Exchange): Promise<void> {
  switch (b.kind) {
    case 'reply':
      if (x.req.stream) return sendStream(x, b.options);
      return sendBody(x, 200, message(x.req, b.options), b.options.headers);
    case 'stream':
      return sendStream(x, b.options);
    case 'fail':
      return sendFailure(x, b.status, b.options);
    case 'errorEvent':
      return sendStream(x, b.options, { after: b.after, error: b.error });
    case 'hang':
      return untilAborted(x.signal);
    case 'custom':
      await b.handler(x.req, x.res, x.signal);
      return;
  }
}
