/** The upstream HTTP client on node:http/node:https: keep-alive pools, exact failure phases, streamed and decompressed bodies. */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex, Transform } from 'node:stream';
import { ResponseBody, type BodyOutcome } from './body.ts';
import { contentCodingOf, createDecoder, type ContentCoding } from './decode.ts';
import {
  abortedError,
  decodeError,
  invalidHeaderError,
  invalidUrlError,
  networkError,
  truncatedError,
  type Origin,
} from './errors.ts';
import { ACCEPT_ENCODING, requestHeaders, responseHeaders } from './headers.ts';
import { UpstreamError, type UpstreamClient, type UpstreamPhase, type UpstreamRequest, type UpstreamResponse } from './types.ts';
import { merged } from '../merged.ts';

/** Connection pool settings; every field has a default suited to LLM providers. */
export interface HttpClientOptions {
  /** Sockets per origin (busy and idle); requests beyond wait for one. Default 256. */
  readonly maxSockets?: number;
  /** Idle sockets kept per origin. Default 256. */
  readonly maxFreeSockets?: number;
  /** Initial delay of TCP keep-alive probes on pooled sockets, in ms. Default 1000. */
  readonly keepAliveMsecs?: number;
  /**
   * An idle pooled socket is closed after this many ms (or sooner when the server's
   * `Keep-Alive: timeout=` says so). Keep it under the providers' own idle timeouts, so the
   * client, not the server, closes idle connections. Default 4000.
   */
  readonly idleSocketTimeoutMs?: number;
  /** PEM certificates trusted for https instead of Node's bundled list (private endpoints, tests). */
  readonly ca?: string | readonly string[];
}

/** An {@link UpstreamClient} that owns connection pools. */
export interface HttpClient extends UpstreamClient {
  /** Destroys every pooled connection, busy ones included. The client must not be used afterwards. */
  close(): void;
  /** The pools, for metrics and tests (socket counts); do not reconfigure them. */
  readonly agents: { readonly http: http.Agent; readonly https: https.Agent };
}

const DEFAULTS = { maxSockets: 256, maxFreeSockets: 256, keepAliveMsecs: 1000, idleSocketTimeoutMs: 4000 };

type Transport = typeof http | typeof https;

/** Resolves the `send` promise once headers arrive, or rejects it; called at most once. */
interface Settle {
  resolve(response: UpstreamResponse): void;
  reject(error: unknown): void;
}

/** Creates a client with its own keep-alive pools (one per protocol); no state is shared between clients. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const idleMs = options.idleSocketTimeoutMs ?? DEFAULTS.idleSocketTimeoutMs;
  const base: http.AgentOptions = {
    keepAlive: true,
    keepAliveMsecs: options.keepAliveMsecs ?? DEFAULTS.keepAliveMsecs,
    maxSockets: options.maxSockets ?? DEFAULTS.maxSockets,
    maxFreeSockets: options.maxFreeSockets ?? DEFAULTS.maxFreeSockets,
    timeout: idleMs,
    scheduling: 'lifo',
  };
  const agents = {
    http: withIdleTracking(new http.Agent(base), idleMs),
    https: withIdleTracking(new https.Agent(options.ca === undefined ? base : merged(base, { ca: [options.ca].flat() })), idleMs),
  };
  const endpoints = new Map<string, Endpoint>();
  return {
    agents: { http: agents.http.agent, https: agents.https.agent },
    send: (request) => send(request, agents, endpoints),
    close: () => {
      agents.http.agent.destroy();
      agents.https.agent.destroy();
    },
  };
}

interface TrackedAgent<A extends http.Agent> {
  readonly agent: A;
  /** Destroys idle sockets past the idle timeout that the agent's own timer has not closed yet. */
  prune(): void;
}

/**
 * Records when each socket went idle, so `prune` can drop sockets whose idle timer could not
 * fire: in Lambda the process is frozen between invocations, and on thaw the next request
 * runs before any timer, so it would otherwise pick a socket the server has long closed.
 * Free lists are in the order sockets went idle, so stale ones form a prefix; destroyed
 * sockets at the head of a free list are skipped by the agent.
 */
function withIdleTracking<A extends http.Agent>(agent: A, idleMs: number): TrackedAgent<A> {
  const idleSince = new WeakMap<Duplex, number>();
  /** No free socket went idle before this (a lower bound): until `idleMs` after it, no socket can be stale and prune has nothing to look at. */
  let oldestIdle = Number.POSITIVE_INFINITY;
  const keepSocketAlive = agent.keepSocketAlive.bind(agent) as (socket: Duplex) => boolean | undefined;
  agent.keepSocketAlive = (socket: Duplex): boolean | undefined => {
    const keep = keepSocketAlive(socket);
    const now = performance.now();
    idleSince.set(socket, now);
    if (now < oldestIdle) oldestIdle = now;
    return keep;
  };
  const prune = (): void => {
    const now = performance.now();
    if (now - oldestIdle < idleMs) return;
    let oldest = Number.POSITIVE_INFINITY;
    const free = agent.freeSockets;
    for (const name in free) {
      for (const socket of free[name] ?? []) {
        if (socket.destroyed) continue;
        const since = idleSince.get(socket) ?? now;
        if (now - since < idleMs) {
          if (since < oldest) oldest = since;
          break;
        }
        socket.destroy();
      }
    }
    oldestIdle = oldest;
  };
  return { agent, prune };
}

/** Where a URL sends a request, in the terms node:http takes. */
interface Endpoint {
  readonly secure: boolean;
  readonly origin: Origin;
  /** Path and query. */
  readonly path: string;
}

/** Distinct URLs whose endpoints a client keeps; past this it starts over (native pass-through paths can be many). */
const MAX_ENDPOINTS = 256;

/**
 * The endpoint of `href`, or why there is none. Routes send to a few fixed URLs, so each is
 * parsed once per client (WHATWG URL parsing was a few µs of every request).
 */
function endpointOf(href: string, known: Map<string, Endpoint>): Endpoint | UpstreamError {
  const seen = known.get(href);
  if (seen !== undefined) return seen;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return invalidUrlError(null);
  }
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return invalidUrlError(url.protocol);
  const endpoint: Endpoint = {
    secure,
    origin: { hostname: hostnameOf(url), port: url.port === '' ? (secure ? 443 : 80) : Number(url.port) },
    path: url.pathname + url.search,
  };
  if (known.size >= MAX_ENDPOINTS) known.clear();
  known.set(href, endpoint);
  return endpoint;
}

function send(
  request: UpstreamRequest,
  agents: { readonly http: TrackedAgent<http.Agent>; readonly https: TrackedAgent<https.Agent> },
  endpoints: Map<string, Endpoint>,
): Promise<UpstreamResponse> {
  if (request.signal?.aborted) return Promise.reject(abortedError('connect', request.signal.reason));
  const endpoint = endpointOf(request.url, endpoints);
  if (endpoint instanceof UpstreamError) return Promise.reject(endpoint);
  const pool = endpoint.secure ? agents.https : agents.http;
  pool.prune();
  return new Promise((resolve, reject) => {
    new Exchange(request, endpoint, endpoint.secure ? https : http, pool.agent, { resolve, reject }).start();
  });
}

/**
 * One request/response exchange. Tracks the phase (`connect` until the request body is
 * flushed, `wait` until response headers, then `receive`), the abort signal and the body.
 */
class Exchange {
  private phase: UpstreamPhase = 'connect';
  private settled = false;
  private req: http.ClientRequest | null = null;
  private res: http.IncomingMessage | null = null;
  private body: ResponseBody | null = null;
  private decoder: Transform | null = null;
  private readonly origin: Origin;

  constructor(
    private readonly request: UpstreamRequest,
    private readonly endpoint: Endpoint,
    private readonly transport: Transport,
    private readonly agent: http.Agent,
    private readonly outcome: Settle,
  ) {
    this.origin = endpoint.origin;
  }

  /** Sends the request; the outcome is settled from the events. */
  start(): void {
    const req = this.createRequest();
    if (req === null) return;
    this.req = req;
    req.on('finish', this.onFinish);
    req.on('error', this.onRequestError);
    req.on('response', this.onResponse);
    req.on('socket', this.onSocket);
    this.request.signal?.addEventListener('abort', this.onAbort);
  }

  /**
   * Writes the request once its socket can carry it. A TLS socket reports writes made
   * during the handshake as done (so `finish` would fire before a byte left the process,
   * and a failed handshake would look like `wait`): for a new TLS connection the request is
   * written after `secureConnect`. Plain sockets queue writes until connected and report
   * them only then, and pooled sockets are ready.
   */
  private readonly onSocket = (socket: Socket): void => {
    if (isHandshaking(socket)) socket.once('secureConnect', this.writeRequest);
    else this.writeRequest();
  };

  private readonly writeRequest = (): void => {
    const req = this.req;
    if (req === null || req.destroyed) return;
    const body = this.request.body;
    if (body === null) req.end();
    else req.end(body);
  };

  private createRequest(): http.ClientRequest | null {
    const { request, endpoint } = this;
    try {
      const req = this.transport.request({
        agent: this.agent,
        hostname: this.origin.hostname,
        port: this.origin.port,
        path: endpoint.path,
        method: request.method,
        headers: requestHeaders(request.headers),
        joinDuplicateHeaders: true,
      });
      if (request.headers['accept-encoding'] === undefined) req.setHeader('accept-encoding', ACCEPT_ENCODING);
      return req;
    } catch (error) {
      this.settled = true;
      this.outcome.reject(invalidHeaderError(request.headers, error));
      return null;
    }
  }

  /** The body reached the kernel: from now on the provider may have it. */
  private readonly onFinish = (): void => {
    if (this.phase === 'connect') this.phase = 'wait';
  };

  /** Errors before headers settle `send`; later ones reach the body through the response's own events. */
  private readonly onRequestError = (error: Error): void => {
    if (this.settled) return;
    this.fail(networkError(error, this.phase, this.origin, this.req?.reusedSocket === true));
  };

  private readonly onResponse = (res: http.IncomingMessage): void => {
    if (this.settled) {
      res.destroy();
      return;
    }
    this.settled = true;
    this.phase = 'receive';
    this.res = res;
    res.on('error', this.onResponseError);
    res.on('close', this.onResponseClose);
    const coding = contentCodingOf(res.statusCode ?? 0, res.headers['content-encoding'], res.headers['content-length']);
    const body = this.createBody(res, coding);
    this.body = body;
    if (res.statusCode === 204 || res.statusCode === 304 || res.headers['content-length'] === '0') body.start();
    this.outcome.resolve({
      status: res.statusCode ?? 0,
      headers: responseHeaders(res.headers, coding !== null),
      body,
      text: (maxBytes) => body.text(maxBytes),
      cancel: () => body.cancel(),
    });
  };

  private createBody(res: http.IncomingMessage, coding: ContentCoding | null): ResponseBody {
    if (coding === null) return new ResponseBody(res, declaredLength(res), this.release);
    const decoder = createDecoder(coding);
    this.decoder = decoder;
    decoder.on('error', () => this.body?.fail(decodeError(coding, this.origin), false));
    res.pipe(decoder);
    return new ResponseBody(decoder, -1, this.release);
  }

  private readonly onResponseError = (error: Error): void => {
    const res = this.res;
    if (res !== null && !res.complete && error.message === 'aborted') this.body?.fail(truncatedError(this.origin), false);
    else this.body?.fail(networkError(error, 'receive', this.origin, false), false);
  };

  private readonly onResponseClose = (): void => {
    if (this.res?.complete === false) this.body?.fail(truncatedError(this.origin), false);
  };

  private readonly onAbort = (): void => {
    const reason = this.request.signal?.reason;
    if (this.body !== null) this.body.fail(abortedError('receive', reason), true);
    else if (!this.settled) this.fail(abortedError(this.phase, reason));
  };

  /** Fails `send` before headers arrived. */
  private fail(error: unknown): void {
    this.settled = true;
    this.removeAbortListener();
    this.req?.destroy();
    this.outcome.reject(error);
  }

  /**
   * The body is over: drop the abort listener. A body cancelled after the whole response
   * arrived (typically an error status the pipeline will retry) is drained so its
   * connection returns to the pool; otherwise an unfinished exchange destroys the connection.
   */
  private readonly release = (outcome: BodyOutcome): void => {
    this.removeAbortListener();
    if (outcome === 'ended') return;
    const { res, decoder } = this;
    if (outcome === 'cancelled' && res?.complete === true) {
      if (decoder !== null) res.unpipe(decoder);
      decoder?.destroy();
      res.resume();
      return;
    }
    this.req?.destroy();
    res?.destroy();
    decoder?.destroy();
  };

  private removeAbortListener(): void {
    this.request.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** True for a TLS socket whose handshake has not completed (`secureConnecting` is what node:tls sets until then). */
function isHandshaking(socket: Socket): boolean {
  const tls = socket as Socket & { readonly encrypted?: boolean; readonly secureConnecting?: boolean };
  return tls.encrypted === true && (socket.connecting || tls.secureConnecting === true);
}

/** The URL's host without IPv6 brackets, as node:http expects it. */
function hostnameOf(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** The declared body length when the body is sent as is, else -1. */
function declaredLength(res: http.IncomingMessage): number {
  const value = res.headers['content-length'];
  if (value === undefined) return -1;
  const length = Number(value);
  return Number.isSafeInteger(length) && length >= 0 ? length : -1;
}
