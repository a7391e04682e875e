/**
 * `sluice dev [spec] [--port 8787] [--host 127.0.0.1] [--stage S]`: the gateway on this
 * machine, serving the spec's Plan with the real runtime. Provider keys come from the
 * environment variables the spec names; nothing leaves the machine except provider calls.
 * Request records are appended as NDJSON under `.sluice/logs/` (read by `sluice stats`).
 * @module
 */
import { createServer, type Server } from 'node:http';
import { relative } from 'node:path';
import { createNdjsonSink, devLogDir } from '../../runtime/log/ndjson.ts';
import type { LogSink } from '../../runtime/log/types.ts';
import { devStorePath, removeStoreAdvert, startEmbeddedDynamo, writeStoreAdvert } from '../../runtime/node/embedded-dynamodb.ts';
import { connectStore } from '../../runtime/store/dynamodb.ts';
import { needsState } from '../../runtime/store/lazy.ts';
import type { Store } from '../../runtime/store/types.ts';
import type { Plan } from '../../runtime/plan.ts';
import { devDeps } from '../../runtime/node/dev-deps.ts';
import { createNodeListener } from '../../runtime/node/server.ts';
import { parseCommandArgs, stringOption } from './args.ts';
import { devBanner, keyWarnings } from './dev-banner.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';
import { compileAndReport, DEFAULT_SPEC, readSpecFile } from './load.ts';

/** How long `close()` waits for work that requests left running after their responses. */
const DRAIN_MS = 10_000;

/** A running dev gateway. */
export interface DevServer {
  readonly url: string;
  readonly plan: Plan;
  /** Stops taking requests, ends open connections, then waits (up to 10 s) for the work requests left after their responses. */
  close(): Promise<void>;
}

/**
 * Starts the dev gateway for a Plan on host:port (port 0 picks a free one); `log` receives
 * request records; `store` is the state store for limits and the cache.
 */
export async function startDevServer(
  plan: Plan,
  host: string,
  port: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
  log?: LogSink,
  store: Store | null = null,
): Promise<DevServer> {
  const listener = createNodeListener(devDeps(plan, env, log, store));
  const server: Server = createServer({ keepAlive: true }, listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actual}`,
    plan,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // Counters to settle, cache entries and records still being written outlive their responses.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([listener.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
      clearTimeout(timer);
    },
  };
}

/** The embedded state store under .sluice/, advertised so `sluice cache purge` can reach it. */
async function openDevStore(cwd: string): Promise<{ store: Store; close(): Promise<void> }> {
  let embedded;
  try {
    embedded = await startEmbeddedDynamo({ path: devStorePath(cwd) });
  } catch {
    throw new UsageError(`dev: cannot open the state store in ${devStorePath(cwd)} (is another sluice dev using it?)`);
  }
  writeStoreAdvert(cwd, { endpoint: embedded.endpoint, tableName: embedded.tableName, pid: process.pid });
  const { store, client } = await connectStore(embedded);
  return {
    store,
    close: async () => {
      client.destroy();
      removeStoreAdvert(cwd);
      await embedded.close();
    },
  };
}

function portOf(value: string | undefined): number {
  if (value === undefined) return 8787;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`dev: --port must be a number from 0 to 65535`);
  return port;
}

/** Runs `dev` until SIGINT or SIGTERM. */
export async function devCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('dev', argv, { stage: { type: 'string' }, port: { type: 'string', short: 'p' }, host: { type: 'string' } }, 1);
  const port = portOf(stringOption(values, 'port'));
  const host = stringOption(values, 'host') ?? '127.0.0.1';
  const file = positionals[0] ?? DEFAULT_SPEC;
  const plan = compileAndReport(io, file, readSpecFile(io, file), stringOption(values, 'stage')).plan;
  if (!plan) return EXIT.findings;
  const state = needsState(plan) ? await openDevStore(io.cwd) : null;
  const logDir = devLogDir(io.cwd);
  const log = createNdjsonSink(logDir, { stderr: io.stderr, ack: 'queued' });
  // Keys are read from a copy taken at start: a property read of process.env goes to the C++
  // environment each time (~1–2 µs a request), and nothing outside this process can change it.
  const env = Object.freeze({ ...process.env });
  let server: DevServer;
  try {
    server = await startDevServer(plan, host, port, env, log, state?.store ?? null);
  } catch (err) {
    await log.close();
    await state?.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EADDRINUSE' ? `dev: port ${port} is in use; pass --port` : `dev: cannot listen on ${host}:${port}`);
  }
  // Listening for SIGINT/SIGTERM before the banner: a caller that stops us as soon as it reads it must not kill us mid-way.
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  io.stdout.write(devBanner(plan, server.url));
  for (const line of keyWarnings(plan, env)) io.stderr.write(`${line}\n`);
  if (state) io.stdout.write(`  state (limits, cache): ${relative(io.cwd, devStorePath(io.cwd)) || '.'}\n`);
  io.stdout.write(`  request records: ${relative(io.cwd, logDir)} (summarize with: sluice stats)\n`);
  // A failure no request owns (the embedded store, say) ends dev with one line, never a stack.
  const onCrash = (err: unknown): void => {
    io.stderr.write(`sluice dev: stopped on an unexpected failure (${err instanceof Error ? err.name : 'error'})\n`);
    process.exit(EXIT.usage);
  };
  process.on('uncaughtException', onCrash);
  await stopRequested;
  await server.close();
  await log.close();
  await state?.close();
  process.off('uncaughtException', onCrash);
  io.stdout.write('sluice dev: stopped\n');
  return EXIT.ok;
}
