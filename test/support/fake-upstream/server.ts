/** The fake provider server: listens on 127.0.0.1, records requests, plays the script. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ok } from './behaviours.ts';
import type { Exchange } from './exchange.ts';
import { fail } from './failures.ts';
import { now, receive } from './record.ts';
import type { Route } from './routes.ts';
import { serve, serveCrash } from './serve.ts';
import { isRecord } from './shapes.ts';
import type { Behaviour, BehaviourName, FakeUpstream, FakeUpstreamOptions, Outcome, RequestRecord } from './types.ts';

/** Default wait of `waitForRequests` and `waitForSettled`, in ms. */
const DEFAULT_WAIT_MS = 5_000;

const running = new Set<FakeUpstreamServer>();

/** A request in flight and how to end it. */
interface Live {
  readonly controller: AbortController;
  settle(outcome: Exclude<Outcome, 'pending'>): void;
}

class FakeUpstreamServer implements FakeUpstream {
  fallback: Behaviour = ok();
  readonly #records: RequestRecord[] = [];
  readonly #queue: Behaviour[] = [];
  readonly #live = new Set<Live>();
  readonly #sockets = new Set<Socket>();
  readonly #watchers = new Set<() => void>();
  readonly #server: Server;
  readonly #strict: boolean;
  #port = 0;
  #closing: Promise<void> | null = null;

  constructor(readonly name: string, strictPaths: boolean) {
    this.#strict = strictPaths;
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
    return `http://127.0.0.1:${this.#port}/v1`;
  }
  get azureEndpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }
  get requests(): readonly RequestRecord[] {
    return this.#records;
  }
  get count(): number {
    return this.#records.length;
  }
  get remaining(): number {
    return this.#queue.length;
  }

  /** Starts listening on 127.0.0.1 at a free port. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    running.add(this);
  }

  script(...behaviours: readonly (Behaviour | readonly Behaviour[])[]): void {
    for (const b of behaviours) this.#queue.push(...(Array.isArray(b) ? (b as readonly Behaviour[]) : [b as Behaviour]));
  }

  waitForRequests(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<readonly RequestRecord[]> {
    return this.#until(() => this.#records.length >= n, timeoutMs, () => `waiting for ${n} requests (got ${this.#records.length})`).then(
      () => this.#records,
    );
  }

  waitForSettled(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const pending = (): number => this.#records.filter((r) => r.outcome === 'pending').length;
    return this.#until(() => pending() === 0, timeoutMs, () => `waiting for requests to settle (${pending()} pending)`);
  }

  reset(): void {
    this.#records.length = 0;
    this.#queue.length = 0;
    this.fallback = ok();
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    running.delete(this);
    for (const live of [...this.#live]) {
      live.settle('closed');
      live.controller.abort();
    }
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    this.#notify();
    await closed;
  }

  #notify(): void {
    for (const watch of [...this.#watchers]) watch();
  }

  /** Resolves once `check()` holds; rejects on timeout or close. */
  #until(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.#watchers.delete(watch);
        if (error) reject(error);
        else resolve();
      };
      const watch = (): void => {
        if (check()) done();
        else if (this.#closing) done(new Error(`fake upstream ${this.name} closed while ${describe()}`));
      };
      const timer = setTimeout(() => done(new Error(`fake upstream ${this.name}: timed out after ${timeoutMs} ms ${describe()}`)), timeoutMs);
      this.#watchers.add(watch);
      watch();
    });
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
    const { record, route, parsed } = receive(this.name, req, text);
    const [behaviour, name, scripted] = this.#choose(record, route, parsed);
    record.behaviour = name;
    record.scripted = scripted;
    this.#records.push(record);
    const x = this.#exchange(record, res);
    this.#notify();
    serve(behaviour, x).catch((error: unknown) => serveCrash(x, error));
  }

  /** The built-in answer for bad paths and bodies, else the next scripted behaviour, else the fallback. */
  #choose(record: RequestRecord, route: Route, parsed: boolean): [Behaviour, BehaviourName, boolean] {
    if (this.#strict && route.endpoint === 'unknown') {
      const message = `Invalid URL (${record.method} ${record.path})${route.deployment !== null ? ': api-version is required' : ''}`;
      return [fail(404, { message, code: null, param: null }), 'route-not-found', false];
    }
    if (this.#strict && route.endpoint !== 'models' && (!parsed || !isRecord(record.body))) {
      return [fail(400, { message: 'We could not parse the JSON body of your request.' }), 'invalid-json', false];
    }
    const next = this.#queue.shift();
    const behaviour = next ?? this.fallback;
    return [behaviour, behaviour.kind, next !== undefined];
  }

  /** Wires the record's outcome to the response's life. */
  #exchange(record: RequestRecord, res: ServerResponse): Exchange {
    const controller = new AbortController();
    const live: Live = {
      controller,
      settle: (outcome) => {
        if (record.outcome !== 'pending') return;
        record.outcome = outcome;
        record.endedAt = now();
        if (record.status === null && res.headersSent) record.status = res.statusCode;
        this.#live.delete(live);
        this.#notify();
      },
    };
    this.#live.add(live);
    res.on('close', () => {
      live.settle(res.writableFinished ? 'completed' : 'client-closed');
      controller.abort();
    });
    return {
      req: record,
      res,
      signal: controller.signal,
      reset: (kind) => {
        live.settle('reset');
        controller.abort();
        if (kind === 'rst' && res.socket) res.socket.resetAndDestroy();
        else if (res.socket) res.socket.destroy();
        else res.destroy();
      },
    };
  }
}

/** Starts one fake provider on 127.0.0.1 at a free port. */
export async function startFakeUpstream(options: FakeUpstreamOptions): Promise<FakeUpstream> {
  const up = new FakeUpstreamServer(options.name, options.strictPaths ?? true);
  await up.listen();
  return up;
}

/** Closes every fake started in this process that is still open. */
export async function closeAll(): Promise<void> {
  await Promise.all([...running].map((up) => up.close()));
}
