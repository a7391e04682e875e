/** The upstream HTTP client against real sockets on 127.0.0.1: round trips, streaming, decompression, pooling, failure phases, aborts, leaks, secrets. */
import { execFileSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { brotliCompressSync, createGzip, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../../runtime/http/client.ts';
import { UpstreamError, type UpstreamRequest, type UpstreamResponse } from '../../../runtime/http/types.ts';
import { closedPort, deferred, readBody, startServer, type Route, type TestServer } from './test-server.ts';

const SECRET = 'sk-live-DO-NOT-LEAK-4242';
const AUTH = { authorization: `Bearer ${SECRET}` } as const;
const FIREHOSE_BYTES = 64 * 1024 * 1024;

/** Per-test hooks that routes resolve or wait on. */
const gates = {
  streamRelease: deferred(),
  holdReached: deferred(),
  gzipRelease: deferred(),
  burstRelease: deferred(),
  firehose: { written: 0, done: false },
  closedByClient: deferred(),
};

const routes: Record<string, Route> = {
  '/echo': async (req, res, info) => {
    const body = await readBody(req);
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-multi', ['a', 'b']);
    res.setHeader('set-cookie', ['c=1; Secure', 'd=2']);
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8'), socket: info.socketId }));
  },
  '/ok': (_req, res) => {
    res.end('ok');
  },
  '/status': (_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' }).end('{"error":"slow down"}');
  },
  '/empty': (_req, res) => {
    res.writeHead(204).end();
  },
  '/stream': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: first\n\n');
    void gates.streamRelease.promise.then(() => res.end('data: second\n\n'));
  },
  // Headers first; once released, 20 chunks of a chunked body in one socket write, then the end (or a dropped connection).
  '/burst': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    void gates.burstRelease.promise.then(() => {
      const socket = res.socket!;
      socket.cork();
      for (let i = 0; i < 20; i += 1) res.write(`data: ${i}\n\n`);
      if (req.url?.endsWith('?drop')) {
        socket.uncork();
        socket.destroy();
      } else {
        res.end();
        socket.uncork();
      }
    });
  },
  '/big': (_req, res) => {
    res.end(Buffer.alloc(2 * 1024 * 1024, 'a'));
  },
  '/big-chunked': (_req, res) => {
    for (let i = 0; i < 32; i += 1) res.write(Buffer.alloc(64 * 1024, 'b'));
    res.end();
  },
  '/gzip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(JSON.stringify({ hello: 'wörld' })));
  },
  '/deflate': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync('deflated'));
  },
  '/br': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync('brotli'));
  },
  '/gzip-bomb': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(16 * 1024 * 1024)));
  },
  '/bad-gzip': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip at all');
  },
  '/gzip-stream': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
    const gzip = createGzip();
    gzip.pipe(res);
    gzip.write('data: one\n\n');
    gzip.flush();
    void gates.gzipRelease.promise.then(() => gzip.end('data: two\n\n'));
  },
  '/reject-early': (_req, res) => {
    res.writeHead(413, { 'content-type': 'text/plain' }).end('request too large');
  },
  '/hangup-after-body': async (req) => {
    await readBody(req);
    req.socket.destroy();
  },
  '/reset-after-body': async (req) => {
    await readBody(req);
    req.socket.resetAndDestroy();
  },
  '/destroy-before-body': (req) => {
    req.socket.destroy();
  },
  '/destroy-mid-body': (_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('partial');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  '/hold': async (req, res) => {
    await readBody(req);
    res.on('close', () => gates.closedByClient.resolve());
    gates.holdReached.resolve();
  },
  '/slow-stream': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => res.write('data: tick\n\n'), 5);
    res.on('close', () => {
      clearInterval(timer);
      gates.closedByClient.resolve();
    });
  },
  '/slow': async (req, res) => {
    await readBody(req);
    setTimeout(() => res.end('late'), 300);
  },
  '/die-on-reuse': async (req, res, info) => {
    await readBody(req);
    if (info.requestOnSocket === 1) res.end('first');
    else req.socket.destroy();
  },
  '/firehose': async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 'f');
    const state = gates.firehose;
    while (state.written < FIREHOSE_BYTES) {
      state.written += chunk.length;
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
    state.done = true;
  },
};

let server: TestServer;
let client: HttpClient;

beforeAll(async () => {
  server = await startServer(routes);
  client = createHttpClient();
});

afterAll(async () => {
  client.close();
  await server.close();
});

/** Awaits a rejection and checks it is an UpstreamError that does not mention the secret anywhere. */
async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UpstreamError);
  const error = caught as UpstreamError;
  const everything = `${error.message}\n${error.stack ?? ''}\n${inspect(error, { depth: 5 })}\n${JSON.stringify(error)}`;
  expect(everything).not.toContain(SECRET);
  return error;
}

async function readAll(response: UpstreamResponse): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const post = (path: string, body: UpstreamRequest['body'] = '{}', extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
  url: server.url(path),
  method: 'POST',
  headers: { ...AUTH, 'content-type': 'application/json' },
  body,
  ...extra,
});

const nextTurn = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('createHttpClient: exchanges', () => {
  it('round-trips a JSON request and response with status and headers', async () => {
    const response = await client.send(post('/echo?model=x', '{"q":"grüß 👋"}'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-multi']).toBe('a, b');
    expect(response.headers['set-cookie']).toBe('c=1; Secure, d=2');
    const echo = JSON.parse(await response.text(1 << 20)) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(echo).toMatchObject({ method: 'POST', url: '/echo?model=x', body: '{"q":"grüß 👋"}' });
    expect(echo.headers).toMatchObject({
      authorization: AUTH.authorization,
      host: `127.0.0.1:${server.port}`,
      'content-length': String(Buffer.byteLength('{"q":"grüß 👋"}')),
      'accept-encoding': 'gzip, deflate, br',
      connection: 'keep-alive',
    });
    expect(echo.headers['transfer-encoding']).toBeUndefined();
  });

  it('returns error statuses as responses', async () => {
    const response = await client.send(post('/status'));
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('3');
    expect(await response.text(1000)).toBe('{"error":"slow down"}');
  });

  it('sets Content-Length for byte bodies, none for GET, and owns Host and framing headers', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const withBytes = JSON.parse(await (await client.send(post('/echo', bytes))).text(1 << 20)) as { headers: Record<string, string> };
    expect(withBytes.headers['content-length']).toBe('5');
    const get = await client.send({ url: server.url('/echo'), method: 'GET', headers: { 'accept-encoding': 'identity' }, body: null });
    const echoed = JSON.parse(await get.text(1 << 20)) as { headers: Record<string, string> };
    expect(echoed.headers['content-length']).toBeUndefined();
    expect(echoed.headers['transfer-encoding']).toBeUndefined();
    expect(echoed.headers['accept-encoding']).toBe('identity');
    const forged = await client.send(
      post('/echo', 'héllo', {
        headers: { host: 'evil.example', 'content-length': '999', connection: 'close', 'transfer-encoding': 'chunked', 'x-kept': 'yes' },
      }),
    );
    const headers = (JSON.parse(await forged.text(1 << 20)) as { headers: Record<string, string> }).headers;
    expect(headers).toMatchObject({ host: `127.0.0.1:${server.port}`, 'content-length': '6', connection: 'keep-alive', 'x-kept': 'yes' });
    expect(headers['transfer-encoding']).toBeUndefined();
  });

  it('streams the body chunk by chunk while the server still holds the response open', async () => {
    gates.streamRelease = deferred();
    const response = await client.send(post('/stream'));
    const iterator = response.body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value ?? []).toString()).toBe('data: first\n\n');
    gates.streamRelease.resolve();
    const second = await iterator.next();
    expect(Buffer.from(second.value ?? []).toString()).toBe('data: second\n\n');
    expect((await iterator.next()).done).toBe(true);
    expect(() => response.body[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  /** Waits on a '/burst' body, lets the server write its 20 chunks at once, and checks they came as one read. */
  async function afterBurst(path: string): Promise<AsyncIterator<Uint8Array>> {
    gates.burstRelease = deferred();
    const response = await client.send(post(path));
    const iterator = response.body[Symbol.asyncIterator]();
    const first = iterator.next();
    gates.burstRelease.resolve();
    const all = Array.from({ length: 20 }, (_, i) => `data: ${i}\n\n`).join('');
    expect(Buffer.from((await first).value ?? []).toString()).toBe(all);
    return iterator;
  }

  it('hands over the chunks of one socket read as one, then the end', async () => {
    const iterator = await afterBurst('/burst');
    expect((await iterator.next()).done).toBe(true);
  });

  it('hands over the chunks that arrived before a dropped connection, then fails', async () => {
    const iterator = await afterBurst('/burst?drop');
    const error = await failure(iterator.next());
    expect(error).toMatchObject({ failure: 'network', phase: 'receive' });
  });

  it('resolves a response that arrives before the request body was written', async () => {
    const response = await client.send(post('/reject-early', new Uint8Array(4 * 1024 * 1024)));
    expect(response.status).toBe(413);
    expect(await response.text(1000)).toBe('request too large');
  });

  it('frees the connection of an empty (204) body without a reader', async () => {
    const response = await client.send({ url: server.url('/empty'), method: 'DELETE', headers: {}, body: null });
    expect(response.status).toBe(204);
    await nextTurn();
    const next = JSON.parse(await (await client.send(post('/echo'))).text(1 << 20)) as { socket: number };
    const again = JSON.parse(await (await client.send(post('/echo'))).text(1 << 20)) as { socket: number };
    expect(next.socket).toBe(again.socket);
    expect(await response.text(10)).toBe('');
  });
});

describe('createHttpClient: text() cap', () => {
  it('refuses a declared length over the cap before reading', async () => {
    const error = await failure(client.send(post('/big')).then((r) => r.text(1024 * 1024)));
    expect(error).toMatchObject({ failure: 'too_large', phase: 'receive', message: 'response body larger than 1048576 bytes' });
  });

  it('stops reading a chunked body once it passes the cap', async () => {
    const error = await failure(client.send(post('/big-chunked')).then((r) => r.text(100_000)));
    expect(error).toMatchObject({ failure: 'too_large', message: 'response body larger than 100000 bytes' });
    expect(await (await client.send(post('/big-chunked'))).text(4 * 1024 * 1024)).toHaveLength(2 * 1024 * 1024);
  });

  it('counts decompressed bytes, so a gzip bomb is stopped', async () => {
    const error = await failure(client.send(post('/gzip-bomb')).then((r) => r.text(1024 * 1024)));
    expect(error.failure).toBe('too_large');
  });
});

describe('createHttpClient: content-encoding', () => {
  it('decodes gzip, deflate and br and drops the encoding headers', async () => {
    const gz = await client.send(post('/gzip'));
    expect(gz.headers['content-encoding']).toBeUndefined();
    expect(gz.headers['content-length']).toBeUndefined();
    expect(JSON.parse(await gz.text(1000))).toEqual({ hello: 'wörld' });
    expect(await (await client.send(post('/deflate'))).text(1000)).toBe('deflated');
    expect(await (await client.send(post('/br'))).text(1000)).toBe('brotli');
  });

  it('decodes what arrives when the caller set its own accept-encoding', async () => {
    const response = await client.send(post('/gzip', '{}', { headers: { 'accept-encoding': 'gzip' } }));
    expect(JSON.parse(await response.text(1000))).toEqual({ hello: 'wörld' });
  });

  it('streams a gzip body as it arrives', async () => {
    gates.gzipRelease = deferred();
    const response = await client.send(post('/gzip-stream'));
    const iterator = response.body[Symbol.asyncIterator]();
    expect(Buffer.from((await iterator.next()).value ?? []).toString()).toBe('data: one\n\n');
    gates.gzipRelease.resolve();
    const rest: Uint8Array[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest.push(step.value);
    expect(Buffer.concat(rest).toString()).toBe('data: two\n\n');
  });

  it('fails an undecodable body in the receive phase', async () => {
    const error = await failure(client.send(post('/bad-gzip')).then((r) => r.text(1000)));
    expect(error).toMatchObject({ failure: 'network', phase: 'receive', message: `invalid gzip response body from 127.0.0.1:${server.port}` });
  });
});

describe('createHttpClient: connection pool', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const own = await startServer(routes);
    const local = createHttpClient();
    try {
      for (let i = 0; i < 5; i += 1) await (await local.send({ ...post('/echo'), url: own.url('/echo') })).text(1 << 20);
      expect(own.connections()).toBe(1);
      expect(own.requests()).toBe(5);
    } finally {
      local.close();
      await own.close();
    }
  });

  it('keeps at most maxSockets connections per origin', async () => {
    const own = await startServer(routes);
    const local = createHttpClient({ maxSockets: 2 });
    try {
      const all = Array.from({ length: 6 }, () => local.send({ ...post('/slow'), url: own.url('/slow') }).then((r) => r.text(100)));
      expect(await Promise.all(all)).toEqual(Array(6).fill('late'));
      expect(own.connections()).toBe(2);
    } finally {
      local.close();
      await own.close();
    }
  });

  it('keeps a busy socket past the idle timeout, and drops idle sockets a frozen process could not time out', async () => {
    const own = await startServer(routes);
    const local = createHttpClient({ idleSocketTimeoutMs: 100 });
    const send = async (): Promise<string> => (await local.send({ ...post('/slow'), url: own.url('/slow') })).text(100);
    // Block the event loop, as a Lambda freeze does: the agent's idle timer cannot fire.
    const freeze = (ms: number): void => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // busy wait
      }
    };
    try {
      expect(await send()).toBe('late');
      expect(own.connections()).toBe(1);
      freeze(250);
      expect(await send()).toBe('late');
      expect(own.connections()).toBe(2);
      // Used at once, the new socket is kept; frozen again past the timeout, it is dropped too.
      expect(await send()).toBe('late');
      expect(own.connections()).toBe(2);
      freeze(250);
      expect(await send()).toBe('late');
      expect(own.connections()).toBe(3);
    } finally {
      local.close();
      await own.close();
    }
  });

  it('keeps the connection when a response that arrived whole is cancelled', async () => {
    const own = await startServer(routes);
    const local = createHttpClient();
    try {
      const response = await local.send({ ...post('/status'), url: own.url('/status') });
      await nextTurn();
      response.cancel();
      await nextTurn();
      const echo = JSON.parse(await (await local.send({ ...post('/echo'), url: own.url('/echo') })).text(1 << 20)) as { socket: number };
      expect(echo.socket).toBe(1);
      expect(own.connections()).toBe(1);
    } finally {
      local.close();
      await own.close();
    }
  });

  it('reports a connection the server dropped on reuse faithfully (wait), without retrying', async () => {
    const own = await startServer(routes);
    const local = createHttpClient();
    try {
      expect(await (await local.send({ ...post('/die-on-reuse'), url: own.url('/die-on-reuse') })).text(100)).toBe('first');
      const error = await failure(local.send({ ...post('/die-on-reuse'), url: own.url('/die-on-reuse') }));
      expect(error).toMatchObject({ failure: 'network', phase: 'wait', maybeAccepted: true });
      expect(error.message).toBe(`connection closed by 127.0.0.1:${own.port} after the request was sent (reused connection)`);
      expect(own.requests()).toBe(2);
    } finally {
      local.close();
      await own.close();
    }
  });
});

describe('createHttpClient: failure phases', () => {
  it('connect: connection refused (nothing can have been accepted)', async () => {
    const port = await closedPort();
    const error = await failure(client.send({ ...post('/echo'), url: `http://127.0.0.1:${port}/v1?key=${SECRET}` }));
    expect(error).toMatchObject({ failure: 'network', phase: 'connect', maybeAccepted: false, message: `connection refused by 127.0.0.1:${port}` });
  });

  it('connect: a host name that does not resolve', async () => {
    const error = await failure(client.send({ ...post('/echo'), url: 'http://sluice-test.invalid/v1' }));
    expect(error).toMatchObject({ failure: 'network', phase: 'connect', maybeAccepted: false });
    expect(error.message).toMatch(/^cannot resolve sluice-test\.invalid/);
  });

  it('connect: the server drops the connection before reading a large body', async () => {
    const error = await failure(client.send(post('/destroy-before-body', new Uint8Array(32 * 1024 * 1024))));
    expect(error).toMatchObject({ failure: 'network', phase: 'connect', maybeAccepted: false });
    expect(error.message).toMatch(new RegExp(`^connection (reset|closed) by 127\\.0\\.0\\.1:${server.port} (before|while) the request`));
  });

  it('sends each request to its own path and query, over many distinct URLs and the same ones again', async () => {
    // More distinct URLs than the client keeps parsed, then the first ones again: none goes to another's path.
    // Its own client: the pooled connections it leaves must not be the next tests' connections.
    const own = createHttpClient();
    const urlOf = async (request: UpstreamRequest): Promise<string> => (JSON.parse(await (await own.send(request)).text(1 << 20)) as { url: string }).url;
    try {
      const paths = Array.from({ length: 300 }, (_, i) => `/echo?n=${i}&x=${i % 7}`);
      for (const round of [paths, paths.slice(0, 20), paths.slice(-20)]) {
        expect(await Promise.all(round.map((p) => urlOf(post(p))))).toEqual(round);
      }
      // A URL that failed to parse is not remembered as a good one, and a good one after it still works.
      for (let i = 0; i < 2; i++) {
        expect(await failure(own.send({ ...post('/echo'), url: 'http://[::1' }))).toMatchObject({ phase: 'connect', message: 'invalid upstream URL' });
      }
      expect(await urlOf(post('/echo?again'))).toBe('/echo?again');
    } finally {
      own.close();
    }
  });

  it('connect: invalid and unsupported URLs, and a header value Node refuses, send nothing', async () => {
    const before = server.requests();
    expect(await failure(client.send({ ...post('/echo'), url: `ftp://127.0.0.1/${SECRET}` }))).toMatchObject({
      phase: 'connect',
      message: 'unsupported URL scheme "ftp"',
    });
    expect(await failure(client.send({ ...post('/echo'), url: `not a url ${SECRET}` }))).toMatchObject({ phase: 'connect', message: 'invalid upstream URL' });
    const bad = await failure(client.send(post('/echo', '{}', { headers: { 'x-api-key': `${SECRET}\r\nx-injected: 1` } })));
    expect(bad).toMatchObject({ failure: 'network', phase: 'connect', message: 'invalid value for request header "x-api-key"' });
    expect(server.requests()).toBe(before);
  });

  it('connect: a TLS handshake that fails (https to a plain http port)', async () => {
    const error = await failure(client.send({ ...post('/echo'), url: `https://127.0.0.1:${server.port}/echo` }));
    expect(error).toMatchObject({ failure: 'network', phase: 'connect' });
    expect(error.message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed \(\w+\)$/);
  });

  it('wait: the server reads the body, then closes the connection', async () => {
    const error = await failure(client.send(post('/hangup-after-body')));
    expect(error).toMatchObject({ failure: 'network', phase: 'wait', maybeAccepted: true });
    expect(error.message).toBe(`connection closed by 127.0.0.1:${server.port} after the request was sent`);
  });

  it('wait: the server reads the body, then resets the connection', async () => {
    const error = await failure(client.send(post('/reset-after-body')));
    expect(error).toMatchObject({ failure: 'network', phase: 'wait', maybeAccepted: true });
    expect(error.message).toBe(`connection reset by 127.0.0.1:${server.port} after the request was sent`);
  });

  it('receive: the server sends headers, then drops the connection mid-body', async () => {
    const response = await client.send(post('/destroy-mid-body'));
    expect(response.status).toBe(200);
    const error = await failure(readAll(response));
    expect(error).toMatchObject({ failure: 'network', phase: 'receive', maybeAccepted: true });
    expect(error.message).toBe(`connection to 127.0.0.1:${server.port} closed before the response body ended`);
    const again = await failure(client.send(post('/destroy-mid-body')).then((r) => r.text(10_000)));
    expect(again.phase).toBe('receive');
  });
});

describe('createHttpClient: abort', () => {
  it('fails at once with phase connect when the signal is already aborted, sending nothing', async () => {
    const connections = server.connections();
    const requests = server.requests();
    const reason = new Error('deadline passed');
    const error = await failure(client.send(post('/echo', '{}', { signal: AbortSignal.abort(reason) })));
    expect(error).toMatchObject({ failure: 'aborted', phase: 'connect', maybeAccepted: false, message: 'request aborted before it was sent' });
    expect(error.reason).toBe(reason);
    await nextTurn();
    expect(server.connections()).toBe(connections);
    expect(server.requests()).toBe(requests);
  });

  it('aborts while waiting for headers (phase wait, reason kept) and closes the connection', async () => {
    gates.holdReached = deferred();
    gates.closedByClient = deferred();
    const controller = new AbortController();
    const sent = client.send(post('/hold', '{"long":"prompt"}', { signal: controller.signal }));
    await gates.holdReached.promise;
    const reason = new Error('attempt timeout');
    controller.abort(reason);
    const error = await failure(sent);
    expect(error).toMatchObject({ failure: 'aborted', phase: 'wait', maybeAccepted: true, message: 'request aborted while waiting for the response' });
    expect(error.reason).toBe(reason);
    await gates.closedByClient.promise;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('aborts while streaming: the iterator throws aborted and the server sees the close', async () => {
    gates.closedByClient = deferred();
    const controller = new AbortController();
    const response = await client.send(post('/slow-stream', '{}', { signal: controller.signal }));
    const iterator = response.body[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    controller.abort('client went away');
    const error = await failure(iterator.next());
    expect(error).toMatchObject({ failure: 'aborted', phase: 'receive', reason: 'client went away' });
    await expect(iterator.next()).rejects.toBe(error);
    await gates.closedByClient.promise;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('cancel() and leaving a for-await early release the connection', async () => {
    gates.closedByClient = deferred();
    const response = await client.send(post('/slow-stream'));
    for await (const chunk of response.body) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    await gates.closedByClient.promise;
    gates.closedByClient = deferred();
    const other = await client.send(post('/slow-stream'));
    other.cancel();
    other.cancel();
    await gates.closedByClient.promise;
    expect(await readAll(other)).toHaveLength(0);
  });
});

describe('createHttpClient: backpressure', () => {
  it('stops reading from the socket while the consumer does not read', async () => {
    gates.firehose = { written: 0, done: false };
    const response = await client.send(post('/firehose'));
    const iterator = response.body[Symbol.asyncIterator]();
    let received = (await iterator.next()).value?.byteLength ?? 0;
    await nextTurn(300);
    const stalledAt = gates.firehose.written;
    await nextTurn(200);
    expect(gates.firehose.written).toBe(stalledAt);
    expect(stalledAt).toBeLessThan(FIREHOSE_BYTES / 2);
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) received += step.value.byteLength;
    expect(received).toBe(FIREHOSE_BYTES);
    expect(gates.firehose.done).toBe(true);
  });
});

describe('createHttpClient: no leaks', () => {
  it('leaves no listeners on a shared signal or pooled sockets after 2,000 requests', async () => {
    const own = await startServer(routes);
    const local = createHttpClient();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    const shared = new AbortController();
    const request: UpstreamRequest = { url: own.url('/ok'), method: 'POST', headers: AUTH, body: '{}', signal: shared.signal };
    const socketListeners = (): string => {
      const sockets = Object.values(local.agents.http.freeSockets).flat() as Socket[];
      return sockets.map((s) => s.eventNames().map((name) => `${String(name)}=${s.listenerCount(name)}`).join(',')).join(' | ');
    };
    try {
      expect(await (await local.send(request)).text(10)).toBe('ok');
      await nextTurn();
      const baseline = socketListeners();
      expect(baseline).toMatch(/close=\d/);
      for (let i = 0; i < 2000; i += 1) {
        const response = await local.send(request);
        if (i % 2 === 0) await response.text(10);
        else await readAll(response);
      }
      expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
      await nextTurn();
      expect(socketListeners()).toBe(baseline);
      expect(own.connections()).toBe(1);
      const port = await closedPort();
      for (let i = 0; i < 200; i += 1) await failure(local.send({ ...request, url: `http://127.0.0.1:${port}/` }));
      expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      local.close();
      await own.close();
    }
  });
});

describe('createHttpClient: https', () => {
  let dir = '';
  let tls: { key: string; cert: string } | null = null;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'));
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
          '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        { stdio: 'ignore' },
      );
      tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    } catch {
      tls = null;
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('talks TLS with a trusted CA, keeps the connection, and refuses an untrusted certificate in phase connect', async (context) => {
    if (tls === null) context.skip();
    const { key, cert } = tls as { key: string; cert: string };
    const own = await startServer(routes, { key, cert });
    const trusting = createHttpClient({ ca: cert });
    try {
      for (let i = 0; i < 3; i += 1) {
        const response = await trusting.send({ ...post('/echo'), url: own.url('/echo') });
        expect(JSON.parse(await response.text(1 << 20))).toMatchObject({ headers: { host: `127.0.0.1:${own.port}` } });
      }
      expect(own.connections()).toBe(1);
      const error = await failure(client.send({ ...post('/echo'), url: own.url('/echo') }));
      expect(error).toMatchObject({ failure: 'network', phase: 'connect' });
      expect(error.message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)$/);
    } finally {
      trusting.close();
      await own.close();
    }
  });
});
