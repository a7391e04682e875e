/** A node:http server on 127.0.0.1 for the upstream client tests: routes by path, numbers sockets, closes everything on demand. */
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** A route: answers one request (the body is not read unless the route reads it). */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse, info: RequestInfo) => void | Promise<void>;

/** What the server knows about a request's connection. */
export interface RequestInfo {
  /** 1 for the server's first connection, 2 for the next, … */
  readonly socketId: number;
  /** Requests seen on this connection so far, this one included. */
  readonly requestOnSocket: number;
}

/** A running test server. */
export interface TestServer {
  readonly port: number;
  /** `http(s)://127.0.0.1:<port><path>` */
  url(path: string): string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Requests received so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Reads a request body completely. */
export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a server answering `routes` by path (query ignored); unknown paths get 404. */
export async function startServer(
  routes: Readonly<Record<string, Route>>,
  tls?: { readonly key: string; readonly cert: string },
): Promise<TestServer> {
  const socketIds = new WeakMap<Socket, { id: number; requests: number }>();
  const sockets = new Set<Socket>();
  let connections = 0;
  let requests = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    requests += 1;
    const entry = socketIds.get(req.socket) ?? { id: 0, requests: 0 };
    entry.requests += 1;
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    void Promise.resolve(route(req, res, { socketId: entry.id, requestOnSocket: entry.requests })).catch(() => {
      res.destroy();
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  const onConnection = (socket: Socket): void => {
    connections += 1;
    socketIds.set(socket, { id: connections, requests: 0 });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on(tls ? 'secureConnection' : 'connection', onConnection);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path) => `${tls ? 'https' : 'http'}://127.0.0.1:${port}${path}`,
    connections: () => connections,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (a server was there a moment ago). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** A promise with its resolver, for a server route that waits for the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
