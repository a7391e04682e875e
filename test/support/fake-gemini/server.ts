/**
 * The fake Gemini API server: node:http on 127.0.0.1 (port 0), routes
 * `/v1beta/models/{model}:{generateContent|streamGenerateContent|embedContent|batchEmbedContents}`,
 * records every request, and plays the script.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { untilAborted, wait } from '../fake-upstream/lifetime.ts';
import { ok } from './behaviours.ts';
import { badKey, callPart, embeddings, googleError, isRecord, pieces, ratings, replyText, response, usageMetadata } from './shapes.ts';
import type { FakeGemini, FakeGeminiOptions, GeminiAction, GeminiBehaviour, GeminiRequestRecord, ReplyOptions } from './types.ts';

const ROUTE = /^\/v1beta\/(?:models|tunedModels)\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;
let lastSeq = 0;

interface Exchange {
  readonly req: GeminiRequestRecord;
  readonly res: ServerResponse;
  readonly signal: AbortSignal;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function sendJson(x: Exchange, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  x.req.status = status;
  x.res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  x.res.end(text);
}

/** Writes one SSE event the way Google frames them (CRLF line ends); false when the exchange is over. */
function sendEvent(x: Exchange, data: unknown): Promise<boolean> {
  if (x.signal.aborted || x.res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    x.res.write(`data: ${JSON.stringify(data)}\r\n\r\n`, (err) => {
      if (!err) x.req.eventsSent++;
      resolve(!err);
    });
  });
}

function startStream(x: Exchange): void {
  x.req.status = 200;
  x.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  x.res.flushHeaders();
}

/** The events of a streamed reply: text pieces, then the calls (whole, in one event), the last with finishReason and full usage. */
function replyEvents(x: Exchange, o: ReplyOptions, name: string): Record<string, unknown>[] {
  const model = o.modelVersion ?? x.req.model ?? 'gemini';
  const text = replyText(o, name);
  const calls = o.functionCalls ?? [];
  const parts: Record<string, unknown>[][] = pieces(o, text).map((t) => [{ text: t }]);
  if (calls.length > 0) parts.push(calls.map(callPart));
  if (parts.length === 0) parts.push([{ text: '' }]);
  return parts.map((p, i) => {
    const last = i === parts.length - 1;
    return response(model, p, last ? (o.finishReason ?? 'STOP') : null, usageMetadata(x.req.body, text, calls, o.usage, last));
  });
}

async function streamEvents(x: Exchange, events: readonly unknown[], delayMs: number): Promise<boolean> {
  for (const [i, e] of events.entries()) {
    if (i > 0 && !(await wait(delayMs, x.signal))) return false;
    if (!(await sendEvent(x, e))) return false;
  }
  return true;
}

async function serve(b: GeminiBehaviour, x: Exchange, name: string): Promise<void> {
  const stream = x.req.action === 'streamGenerateContent';
  const model = x.req.model ?? 'gemini';
  switch (b.kind) {
    case 'ok':
      if (x.req.action === 'batchEmbedContents' || x.req.action === 'embedContent') return serve({ kind: 'embeddings', dims: null }, x, name);
      return serve({ kind: 'reply', options: {} }, x, name);
    case 'reply': {
      const o = b.options;
      if (!stream) {
        const text = replyText(o, name);
        const calls = o.functionCalls ?? [];
        const parts = [...(text !== null ? [{ text }] : []), ...calls.map(callPart)];
        return sendJson(x, 200, response(o.modelVersion ?? model, parts, o.finishReason ?? 'STOP', usageMetadata(x.req.body, text, calls, o.usage)));
      }
      startStream(x);
      if (await streamEvents(x, replyEvents(x, o, name), o.delayMs ?? 0)) x.res.end();
      return;
    }
    case 'blockPrompt': {
      const body = { promptFeedback: { blockReason: b.reason, safetyRatings: ratings(true) }, usageMetadata: usageMetadata(x.req.body, null, [], {}, false), modelVersion: model };
      if (!stream) return sendJson(x, 200, body);
      startStream(x);
      if (await sendEvent(x, body)) x.res.end();
      return;
    }
    case 'safetyStop': {
      const stop = { candidates: [{ finishReason: b.reason, index: 0, safetyRatings: ratings(true) }], usageMetadata: usageMetadata(x.req.body, b.text, []), modelVersion: model };
      if (!stream) {
        const body = b.text === null ? stop : response(model, [{ text: b.text }], b.reason, usageMetadata(x.req.body, b.text, []));
        return sendJson(x, 200, body);
      }
      startStream(x);
      const before = b.text === null ? [] : pieces({}, b.text).map((t) => response(model, [{ text: t }], null, usageMetadata(x.req.body, null, [], {}, false)));
      if (await streamEvents(x, [...before, stop], 0)) x.res.end();
      return;
    }
    case 'fail':
      return sendJson(x, b.status, googleError(b.status, b.error), b.error.headers);
    case 'errorInStream': {
      startStream(x);
      const events = replyEvents(x, b.options, name).slice(0, b.afterChunks).map((e) => {
        const c = (e.candidates as Record<string, unknown>[])[0]!;
        delete c.finishReason;
        return e;
      });
      if (await streamEvents(x, [...events, googleError(b.status, b.error)], 0)) x.res.end();
      return;
    }
    case 'embeddings':
      return sendJson(x, 200, embeddings(x.req.body, x.req.action === 'batchEmbedContents', b.dims));
    case 'hang':
      return untilAborted(x.signal);
    case 'custom':
      await b.handler(x.req, x.res, { signal: x.signal, wait: (ms) => wait(ms, x.signal) });
      return;
  }
}

class FakeGeminiServer implements FakeGemini {
  fallback: GeminiBehaviour = ok();
  readonly #records: GeminiRequestRecord[] = [];
  readonly #queue: GeminiBehaviour[] = [];
  readonly #live = new Set<AbortController>();
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #port = 0;

  constructor(
    readonly name: string,
    private readonly apiKey: string | null,
  ) {
    this.#server = createServer((req, res) => this.#onRequest(req, res));
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  get port(): number {
    return this.#port;
  }
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/v1beta`;
  }
  get requests(): readonly GeminiRequestRecord[] {
    return this.#records;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  script(...behaviours: readonly GeminiBehaviour[]): void {
    this.#queue.push(...behaviours);
  }

  reset(): void {
    this.#records.length = 0;
    this.#queue.length = 0;
    this.fallback = ok();
  }

  async waitForSettled(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.#records.some((r) => r.outcome === 'pending')) {
      if (Date.now() > until) throw new Error(`fake gemini ${this.name}: requests still pending after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    for (const c of this.#live) c.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const s of this.#sockets) s.destroy();
    for (const r of this.#records) if (r.outcome === 'pending') r.outcome = 'closed';
    await closed;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => this.#answer(req, res, Buffer.concat(parts).toString('utf8')));
    req.on('error', () => undefined);
  }

  #answer(req: IncomingMessage, res: ServerResponse, text: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = ROUTE.exec(url.pathname);
    let body: unknown = text;
    let parsed = false;
    try {
      body = JSON.parse(text) as unknown;
      parsed = true;
    } catch {
      parsed = false;
    }
    const record: GeminiRequestRecord = {
      seq: ++lastSeq,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flatHeaders(req),
      body,
      model: route ? decodeURIComponent(route[1]!) : null,
      action: route ? (route[2] as GeminiAction) : 'unknown',
      behaviour: 'ok',
      status: null,
      eventsSent: 0,
      outcome: 'pending',
    };
    this.#records.push(record);
    const controller = new AbortController();
    this.#live.add(controller);
    res.on('close', () => {
      if (record.outcome === 'pending') record.outcome = res.writableFinished ? 'completed' : 'client-closed';
      controller.abort();
      this.#live.delete(controller);
    });
    const x: Exchange = { req: record, res, signal: controller.signal };
    const streamWithoutSse = record.action === 'streamGenerateContent' && record.query.alt !== 'sse';
    if (!route || req.method !== 'POST') {
      record.behaviour = 'not-found';
      return sendJson(x, 404, googleError(404, { message: `The requested URL ${url.pathname} was not found on this server.` }));
    }
    if (this.apiKey !== null && record.headers['x-goog-api-key'] !== this.apiKey) {
      record.behaviour = 'bad-key';
      return sendJson(x, 400, badKey());
    }
    if (!parsed || !isRecord(body) || streamWithoutSse) {
      record.behaviour = 'bad-request';
      return sendJson(x, 400, googleError(400, { message: streamWithoutSse ? 'fake gemini: streams are served with alt=sse only' : 'Invalid JSON payload received.' }));
    }
    const behaviour = this.#queue.shift() ?? this.fallback;
    record.behaviour = behaviour.kind;
    serve(behaviour, x, this.name).catch((err: unknown) => {
      console.error(`fake gemini ${this.name}: behaviour ${behaviour.kind} threw`, err);
      if (!res.headersSent) sendJson(x, 500, googleError(500));
      else res.destroy();
    });
  }
}

/** Starts a fake Gemini API on 127.0.0.1 at a free port. */
export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const fake = new FakeGeminiServer(options.name ?? 'gemini', options.apiKey ?? null);
  await fake.listen();
  return fake;
}
