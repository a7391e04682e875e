/**
 * `sluice dev [spec] [--port 8787] [--host 127.0.0.1] [--stage S]`: the gateway on this
 * machine, serving the spec's Plan with the real runtime. Provider keys come from the
 * environment variables the spec names; nothing leaves the machine except provider calls.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { LogSink } from '../../runtime/log/types.ts';
import type { Plan } from '../../runtime/plan.ts';
import { devDeps } from '../../runtime/node/dev-deps.ts';
import { createNodeListener } from '../../runtime/node/server.ts';
import { parseCommandArgs, stringOption } from './args.ts';
import { devBanner } from './dev-banner.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';
import { compileAndReport, DEFAULT_SPEC, readSpecFile } from './load.ts';

/** A running dev gateway. */
export interface DevServer {
  readonly url: string;
  readonly plan: Plan;
  close(): Promise<void>;
}

/** Starts the dev gateway for a Plan on host:port (port 0 picks a free one); `log` receives request records. */
export async function startDevServer(plan: Plan, host: string, port: number, env: Readonly<Record<string, string | undefined>> = process.env, log?: LogSink): Promise<DevServer> {
  const server: Server = createServer({ keepAlive: true }, createNodeListener(devDeps(plan, env, log)));
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
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
  let server: DevServer;
  try {
    server = await startDevServer(plan, host, port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EADDRINUSE' ? `dev: port ${port} is in use; pass --port` : `dev: cannot listen on ${host}:${port}`);
  }
  io.stdout.write(devBanner(plan, server.url));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  io.stdout.write('sluice dev: stopped\n');
  return EXIT.ok;
}
