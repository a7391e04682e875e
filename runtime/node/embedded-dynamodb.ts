/** The DynamoDB that `sluice dev` embeds: dynalite in-process on loopback (LevelDB on disk, or memory), plus the advert file other CLI commands use to find it. */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ensureTable } from '../store/table.ts';

/** Region reported to SDK clients of the embedded store (dynalite ignores it). */
export const EMBEDDED_DYNAMO_REGION = 'us-east-1';

/**
 * Fixed fake credentials: dynalite checks that requests are signed, not by whom. Letters only,
 * because DynamoDB Local refuses access key ids with other characters.
 */
export const EMBEDDED_DYNAMO_CREDENTIALS = { accessKeyId: 'sluicedev', secretAccessKey: 'sluicedev' } as const;

/** Table name used when none is given. */
export const EMBEDDED_DYNAMO_TABLE = 'sluice-dev-state';

/** What `startEmbeddedDynamo` takes. */
export interface EmbeddedDynamoOptions {
  /** LevelDB directory (created if missing); without it the store lives in memory and dies with `close()`. */
  readonly path?: string;
  /** State table to create (default `sluice-dev-state`; at least 3 characters, as in AWS). */
  readonly tableName?: string;
}

/** A running embedded store: everything a `DynamoDBClient` needs, and `close()`. */
export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly tableName: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Stops the server, closes LevelDB (releasing its lock) and frees the directory for the next start. */
  close(): Promise<void>;
}

/** The part of dynalite's options we use (it has no type declarations). */
interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

/**
 * dynalite, loaded through `createRequire` at run time: it is CommonJS without types, and a
 * `require` the bundler of bin/sluice.mjs cannot see keeps its native LevelDB out of the CLI bundle.
 */
function loadDynalite(): (options: DynaliteOptions) => Server {
  const load = createRequire(import.meta.url);
  return load('dynalite') as (options: DynaliteOptions) => Server;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** LevelDB directories this process has open (a second dynalite on one directory would crash the process). */
const openPaths = new Set<string>();

/**
 * Takes `<path>.lock` for this process. LevelDB's own lock surfaces in dynalite only as an
 * unhandled stream error that kills the process, so a second `sluice dev` on the same directory
 * is refused here first, with a message. A lock left by a dead process is taken over.
 */
function acquireLock(path: string): () => void {
  const lockFile = `${path}.lock`;
  if (openPaths.has(path)) throw new Error(`the store at ${path} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      openPaths.add(path);
      return () => {
        openPaths.delete(path);
        rmSync(lockFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new Error(`the store at ${path} is in use by process ${holder} (another \`sluice dev\` in this directory?)`);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`cannot lock the store at ${path} (${lockFile} keeps reappearing)`);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts dynalite in this process on 127.0.0.1 (a free port), on disk under `options.path`
 * (created if missing) or in memory, with tables ACTIVE at once, and creates the state table with
 * `ensureTable` (dynalite has no `UpdateTimeToLive`, so TTL stays off: readers check `expiresAt`).
 * Throws when the directory is in use by another live process.
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  const tableName = options.tableName ?? EMBEDDED_DYNAMO_TABLE;
  const path = options.path === undefined ? undefined : resolve(options.path);
  let release = (): void => {};
  if (path !== undefined) {
    mkdirSync(path, { recursive: true });
    release = acquireLock(path);
  }
  const server = loadDynalite()({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path === undefined ? {} : { path }) });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((done, fail) => {
      // dynalite's close stops the HTTP server, then closes LevelDB (which drops its LOCK).
      server.close((err?: Error) => {
        release();
        if (err) fail(err);
        else done();
      });
      server.closeAllConnections();
    }));
  try {
    const port = await listen(server);
    const store = { endpoint: `http://127.0.0.1:${port}`, tableName, region: EMBEDDED_DYNAMO_REGION, credentials: { ...EMBEDDED_DYNAMO_CREDENTIALS }, close };
    // Loaded here, not at import: every CLI command imports this module, few start a store.
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({ endpoint: store.endpoint, region: store.region, credentials: store.credentials });
    try {
      await ensureTable(client, tableName, { timeoutMs: 10_000 });
    } finally {
      client.destroy();
    }
    return store;
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** Where `sluice dev` keeps its store for a project: `<cwd>/.sluice/dynamodb` (git-ignored). */
export function devStorePath(cwd: string): string {
  return join(cwd, '.sluice', 'dynamodb');
}

/** How a running dev store is found by other CLI commands. */
export interface StoreAdvert {
  readonly endpoint: string;
  readonly tableName: string;
  /** The process serving it; the advert is void once it is gone. */
  readonly pid: number;
}

function advertFile(cwd: string): string {
  return join(cwd, '.sluice', 'dev-store.json');
}

/** Writes `<cwd>/.sluice/dev-store.json` atomically (temp file + rename). */
export function writeStoreAdvert(cwd: string, advert: StoreAdvert): void {
  const file = advertFile(cwd);
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ endpoint: advert.endpoint, tableName: advert.tableName, pid: advert.pid }, null, 2)}\n`);
  renameSync(temp, file);
}

/**
 * The advert of the dev store running for `cwd`, or null when there is none, it is unreadable,
 * or its process is no longer alive (a `sluice dev` that was killed leaves a stale file).
 */
export function readStoreAdvert(cwd: string): StoreAdvert | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(advertFile(cwd), 'utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { endpoint, tableName, pid } = value as Record<string, unknown>;
  if (typeof endpoint !== 'string' || typeof tableName !== 'string' || typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null;
  return isAlive(pid) ? { endpoint, tableName, pid } : null;
}

/** Deletes the advert if it names `pid` (default: this process), so a newer dev store's advert survives. */
export function removeStoreAdvert(cwd: string, pid: number = process.pid): void {
  try {
    const value = JSON.parse(readFileSync(advertFile(cwd), 'utf8')) as { pid?: unknown };
    if (value.pid !== pid) return;
  } catch {
    return;
  }
  rmSync(advertFile(cwd), { force: true });
}
