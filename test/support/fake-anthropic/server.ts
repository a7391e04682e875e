/** The fake Anthropic server: listens on 127.0.0.1, records requests, plays the script. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { reply } from './behaviours.ts';
import { isRecord } from './messages.ts';
import { sendFailure, serve, type Exchange } from './serve.ts';
import type { AnthropicRequest, Behaviour, FakeAnthropic, FakeAnthropicOptions } from './types.ts';

let lastSeq = 0;

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function record(upstream: string, req: IncomingMessage, text: string): { rec: AnthropicRequest; parsed: boolean } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let body: unknown = text;
  let parsed = false;
  try {
    body = JSON.parse(text) as unknown;
    parsed = isRecord(body);
  } catch {
    parsed = false;
  }
  const rec: AnthropicRequest = {
    upstream,
    seq: ++lastSeq,
    method: req.method ?? 'GET',
    path: url.pathname,
    headers: flatHeaders(req.headers),
    body,
    rawBody: text,
    model: isRecord(body) && typeof body.model === 'string' ? body.model : null,
    stream: isRecord(body) && body.stream === true,
    at: performance.timeOrigin + performance.now(),
    behaviour: 'reply',
    status: null,
    eventsSent: 0,
  };
  return { rec, parsed };
}

class FakeAnthropicServer implements FakeAnthropic {
  fallback: Behaviour = reply();
  readonly #records: AnthropicRequest[] = [];
  readonly #queue: Behaviour[] = [];
  readonly #controllers = new Set<AbortController>();
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #port = 0;
  #closing: Promise<void> | null = null;

  constructor(
    readonly name: string,
    readonly apiKey: string | undefined,
  ) {
    this.#server = createServer((req, res) => this.#onRequest(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  get port(): number {
    return this.#port;
  }
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }
  get requests(): readonly AnthropicRequest[] {
    return this.#records;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  script(...behaviours: readonly Behaviour[]): void {
    this.#queue.push(...behaviours);
  }

  async waitForRequests(n: number, timeoutMs = 5_000): Promise<readonly AnthropicRequest[]> {
    const until = Date.now() + timeoutMs;
    while (this.#records.length < n) {
      if (this.#closing || Date.now() > until) throw new Error(`fake anthropic ${this.name}: waiting for ${n} requests (got ${this.#records.length})`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.#records;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const c of this.#controllers) c.abort();
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      for (const socket of this.#sockets) socket.destroy();
      await closed;
    })();
    return this.#closing;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => this.#answer(req, res, Buffer.concat(parts).toString('utf8')));
    req.on('error', () => undefined);
  }

  #answer(req: IncomingMessage, res: ServerResponse, text: string): void {
    if (this.#closing) {
      res.destroy();
      return;
    }
    const { rec, parsed } = record(this.name, req, text);
    this.#records.push(rec);
    const controller = new AbortController();
    this.#controllers.add(controller);
    res.on('close', () => {
      controller.abort();
      this.#controllers.delete(controller);
    });
    const x: Exchange = { req: rec, res, signal: controller.signal };
    const builtIn = this.#builtIn(rec, parsed);
    if (builtIn) {
      rec.behaviour = builtIn.name;
      return sendFailure(x, builtIn.status, { type: builtIn.type, message: builtIn.message });
    }
    const behaviour = this.#queue.shift() ?? this.fallback;
    rec.behaviour = behaviour.kind;
    serve(behaviour, x).catch((error: unknown) => {
      console.error(`fake anthropic ${this.name}: behaviour ${behaviour.kind} threw`, error);
      if (!res.headersSent) sendFailure(x, 500, { message: 'fake behaviour failed' });
      else res.destroy();
    });
  }

  /** The checks the real API makes before anything else (they do not consume the script). */
  #builtIn(rec: AnthropicRequest, parsed: boolean): { name: string; status: number; type: string; message: string } | null {
    if (rec.method !== 'POST' || rec.path !== '/v1/messages') return { name: 'route-not-found', status: 404, type: 'not_found_error', message: `Not found: ${rec.method} ${rec.path}` };
    if (this.apiKey !== undefined && rec.headers['x-api-key'] !== this.apiKey) return { name: 'wrong-key', status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
    if (!rec.headers['anthropic-version']) return { name: 'missing-version', status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
    if (!parsed) return { name: 'invalid-json', status: 400, type: 'invalid_request_error', message: 'The request body is not valid JSON.' };
    return null;
  }
}

/** Starts a fake Anthropic API on 127.0.0.1 at a free port. */
export async function startFakeAnthropic(options: FakeAnthropicOptions): Promise<FakeAnthropic> {
  const fake = new FakeAnthropicServer(options.name, options.apiKey);
  await fake.listen();
  return fake;
}
