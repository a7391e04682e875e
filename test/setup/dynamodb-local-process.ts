/** Runs DynamoDB Local (a Java process) for tests: bounded start on a free port, readiness by ListTables, and a watchdog so no JVM outlives the process that started it. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoLocalDist } from './dynamodb-local-jar.ts';

/** A running DynamoDB Local. */
export interface DynamoLocalProcess {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The JVM's pid. */
  readonly pid: number;
  /** The watchdog's pid (a `sh` that kills the JVM once our end of its stdin closes). */
  readonly watchdogPid: number;
  /** Stops the JVM (TERM, then KILL after 5 s) and its watchdog; resolves once the JVM has exited. */
  stop(): Promise<void>;
}

/** Options of `startDynamoLocal`. */
export interface StartDynamoLocalOptions {
  /** Give up if it does not answer ListTables within this many ms (default 30 000; it takes ~4 s). */
  readonly timeoutMs?: number;
}

/**
 * Fake credentials. DynamoDB Local accepts any whose access key id is only letters and digits
 * (`sluice-test` gets UnrecognizedClientException); with `-sharedDb` all clients share one database.
 */
export const DYNAMO_LOCAL_CREDENTIALS = { accessKeyId: 'sluicetest', secretAccessKey: 'sluicetest' } as const;

/** Region used by test clients (any works with `-sharedDb`). */
export const DYNAMO_LOCAL_REGION = 'us-east-1';

/** Throws a message naming what is missing when there is no usable `java` on PATH. */
export function checkJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('DynamoDB Local needs Java: no `java` on PATH. Install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and run the tests again.');
  }
  if (r.error || r.status !== 0) {
    throw new Error(`DynamoDB Local needs Java: \`java -version\` failed: ${r.error?.message ?? (r.stderr || r.stdout).trim()}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Keeps the last `max` characters a stream wrote, for error messages. */
function tail(child: ChildProcess, max = 8_192): () => string {
  let text = '';
  const keep = (d: Buffer): void => {
    text = (text + d.toString('utf8')).slice(-max);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text.trim();
}

/** Child stdio pipes are net.Sockets at run time (typed as plain streams): let them not hold the event loop open. */
function unrefPipe(stream: unknown): void {
  if (stream instanceof Socket) stream.unref();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A detached `sh` that blocks reading its stdin (a pipe from this process) and kills `pid` at
 * EOF. The pipe closes however this process ends (normal exit, crash, SIGINT, SIGKILL), so the JVM
 * cannot outlive it. Detached, so a Ctrl+C sent to the terminal's process group does not take the
 * watchdog down before it has acted.
 */
function startWatchdog(pid: number): ChildProcess {
  // At EOF: TERM, up to 3 s for the JVM to go, then KILL.
  const script = 'while read -r _; do :; done; kill -TERM "$1" 2>/dev/null; i=0; while [ $i -lt 30 ] && kill -0 "$1" 2>/dev/null; do sleep 0.1; i=$((i+1)); done; kill -KILL "$1" 2>/dev/null; exit 0';
  const watchdog = spawn('sh', ['-c', script, 'sluice-dynamodb-local-watchdog', String(pid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.unref();
  // The pipe must not keep this process alive; it only has to close when it exits.
  unrefPipe(watchdog.stdin);
  return watchdog;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** One attempt on one port: resolves to the process once it answers, or rejects (`portTaken` when the port was grabbed meanwhile). */
async function attempt(dist: DynamoLocalDist, port: number, deadline: number): Promise<DynamoLocalProcess> {
  const args = [
    // C1 only and the serial GC roughly halve the JVM's start (≈7.5 s → ≈4 s on 2 cores); tests are short.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${dist.libDir}`,
    '-jar',
    dist.jar,
    '-inMemory',
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  // DynamoDB Local 1.25.1 has no host option (see `-help`): it listens on all interfaces. Tests
  // reach it on 127.0.0.1; the in-memory database holds only test data.
  // It writes dynamodb-local-metadata.json into its working directory: keep that in the cache.
  const java = spawn('java', args, { cwd: dirname(dist.dir), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = tail(java);
  const spawnError = new Promise<Error>((resolve) => java.once('error', resolve));
  if (java.pid === undefined) throw new Error(`DynamoDB Local: cannot start java: ${(await spawnError).message}`);
  const watchdog = startWatchdog(java.pid);
  const onExit = (): void => {
    java.kill('SIGKILL');
  };
  process.once('exit', onExit);
  java.unref();
  unrefPipe(java.stdout);
  unrefPipe(java.stderr);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.off('exit', onExit);
      watchdog.kill('SIGKILL');
      if (java.exitCode === null && java.signalCode === null) {
        java.kill('SIGTERM');
        const timer = setTimeout(() => java.kill('SIGKILL'), 5_000);
        await exited(java);
        clearTimeout(timer);
      }
    })());

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: DYNAMO_LOCAL_REGION, credentials: DYNAMO_LOCAL_CREDENTIALS, maxAttempts: 1 });
  let lastError = 'none';
  try {
    for (;;) {
      if (java.exitCode !== null || java.signalCode !== null) {
        const text = output();
        const error = new Error(`DynamoDB Local exited during start (${java.exitCode ?? java.signalCode}):\n${text}`);
        if (/BindException|Address already in use/i.test(text)) Object.assign(error, { portTaken: true });
        throw error;
      }
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
        return { endpoint, pid: java.pid, watchdogPid: watchdog.pid ?? -1, stop };
      } catch (err) {
        // An answer that is an error (e.g. UnrecognizedClientException for credentials it does
        // not accept) will not go away by waiting; anything else means it is not listening yet.
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status !== undefined) throw new Error(`DynamoDB Local on ${endpoint} refused ListTables (${status} ${(err as Error).name}: ${(err as Error).message})`);
        lastError = (err as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer ListTables on ${endpoint} in time (last error: ${lastError}). Its output:\n${output() || '(none)'}`);
      }
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local from `dist` in memory (`-inMemory -sharedDb -disableTelemetry`) on a
 * free port and resolves once it answers ListTables; rejects after `timeoutMs` (default 30 s)
 * with its output, or at once if `java` is missing. Retries on a new port if the chosen one was
 * taken between picking and binding. The JVM is killed by `stop()`, at this process's exit, and
 * by the watchdog if this process dies without running exit handlers.
 */
export async function startDynamoLocal(dist: DynamoLocalDist, options: StartDynamoLocalOptions = {}): Promise<DynamoLocalProcess> {
  checkJava();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let tries = 1; ; tries++) {
    try {
      return await attempt(dist, await freePort(), deadline);
    } catch (err) {
      if (tries >= 3 || !(err as { portTaken?: boolean }).portTaken) throw err;
    }
  }
}
