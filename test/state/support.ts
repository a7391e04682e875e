/** Helpers for the state-store tests: stores on DynamoDB Local, raw table reads, requests through `handle`, body readers, and TCP stand-ins for a dead or slow store. */
import { createHash } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { handle } from '../../runtime/core/handle.ts';
import type { HandlerContext, RuntimeDeps } from '../../runtime/core/context.ts';
import { connectStore } from '../../runtime/store/dynamodb.ts';
import type { Store } from '../../runtime/store/types.ts';
import { DYNAMO_LOCAL_CREDENTIALS, DYNAMO_LOCAL_REGION } from '../setup/dynamodb-local-process.ts';
import { dynamoLocalEndpoint } from '../setup/dynamo.ts';
import { testContext } from '../support/context.ts';

/** SHA-256 hex of a client key, as a spec lists it. */
export function sha(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A store over `tableName` at `endpoint` (default: DynamoDB Local), and its SDK client to destroy. */
export async function storeAt(tableName: string, endpoint: string = dynamoLocalEndpoint()): Promise<{ store: Store; client: DynamoDBClient }> {
  return connectStore({ tableName, endpoint, region: DYNAMO_LOCAL_REGION, credentials: DYNAMO_LOCAL_CREDENTIALS });
}

/** Every item of a table, by `pk|sk`, as plain values (numbers for N, strings for S). */
export async function scanTable(client: DynamoDBClient, tableName: string): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const plain: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(item)) plain[k] = v.N !== undefined ? Number(v.N) : v.S !== undefined ? v.S : v.B !== undefined ? `<${v.B.byteLength} bytes>` : v;
      out[`${item.pk?.S}|${item.sk?.S}`] = plain;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** A fingerprint of every cache entry in a table (keys and body bytes): it changes when an entry is written. */
export async function cacheEntries(client: DynamoDBClient, tableName: string): Promise<string> {
  const parts: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      if (item.pk?.S?.startsWith('k#')) parts.push(`${item.pk.S}=${createHash('sha256').update(item.b?.B ?? new Uint8Array()).digest('hex')}`);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return parts.sort().join('\n');
}

/** Waits (up to 10 s) until the cache entries differ from `before`: the write a MISS makes after its response. */
export async function cacheWritten(client: DynamoDBClient, tableName: string, before: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await cacheEntries(client, tableName)) !== before) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no cache entry was written within 10 s');
}

/** Counter values (`n`) of a table, by `pk|sk`, for counters only (`c#…`). */
export async function counters(client: DynamoDBClient, tableName: string): Promise<Record<string, number>> {
  const items = await scanTable(client, tableName);
  return Object.fromEntries(Object.entries(items).filter(([k]) => k.startsWith('c#')).map(([k, v]) => [k, v.n as number]));
}

/** Sum of the counters whose key starts with `c#<limitId>#` (all shards and scopes, every window). */
export function sumOf(values: Record<string, number>, limitId: string): number {
  return Object.entries(values)
    .filter(([k]) => k.startsWith(`c#${limitId}#`))
    .reduce((a, [, v]) => a + v, 0);
}

/** Lease totals of a table, by `pk` (`l#…`). */
export async function leases(client: DynamoDBClient, tableName: string): Promise<Record<string, number>> {
  const items = await scanTable(client, tableName);
  return Object.fromEntries(Object.entries(items).filter(([k]) => k.startsWith('l#')).map(([k, v]) => [k.split('|')[0]!, v.total as number]));
}

/** A POST to the gateway as a Fetch Request. */
export function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Request {
  return new Request(`http://gw.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
}

/** One chat request through the real `handle`; `ctx.settle()` awaits its post-response work. */
export async function chat(deps: RuntimeDeps, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<{ res: Response; ctx: HandlerContext & { settle(): Promise<void> } }> {
  const ctx = testContext(deps);
  const res = await handle(post('/v1/chat/completions', body, headers, signal), ctx);
  return { res, ctx };
}

/** Sends a chat request, reads the whole answer, and waits for its post-response work (settling, cache writes). */
export async function chatDone(deps: RuntimeDeps, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string; pieces: string[] }> {
  const { res, ctx } = await chat(deps, body, headers);
  const pieces = await readPieces(res);
  await ctx.settle();
  return { status: res.status, headers: res.headers, text: pieces.join(''), pieces };
}

/** The body as the pieces the gateway wrote (one per read of a stream; a JSON body is one piece). */
export async function readPieces(res: Response): Promise<string[]> {
  if (!res.body) return [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(decoder.decode(value, { stream: true }));
  }
}

/** The error code of an OpenAI-shape error body. */
export function codeOf(text: string): string | null {
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    return null;
  }
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A TCP proxy to `target` (`http://host:port`) that holds every client chunk for `delayMs` before passing it on. */
export async function slowProxy(target: string, delayMs: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!upstream.destroyed) upstream.write(chunk);
      }, delayMs);
      timers.add(timer);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Waits, if needed, so that at least `marginMs` remain before the next boundary of `windowMs`-long windows. */
export async function awayFromWindowEdge(windowMs: number, marginMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 20));
}

/** A clock the test moves. */
export function manualClock(start: number): { now(): number; set(ms: number): void; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    set: (ms) => void (t = ms),
    advance: (ms) => void (t += ms),
  };
}
