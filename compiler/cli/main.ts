/**
 * The `sluice` command line: dispatches to one command and maps every failure to an exit
 * status (0 ok, 1 findings or changes, 2 usage or internal error) without stack traces.
 * @module
 */
import { EXIT, processIo, UsageError, type CliIo } from './io.ts';

const HELP = `sluice: an AI gateway owned as code

Usage:
  sluice validate [spec] [--stage S] [--format text|json|github]
  sluice plan     [spec] [--stage S] [-o file]
  sluice synth    [spec] [--stage S] [-o dir]
  sluice diff     <base-spec> <head-spec> [--stage S] [--format text|markdown|json]
  sluice dev      [spec] [--stage S] [--port 8787] [--host 127.0.0.1]
  sluice stats    [--since 24h] [--by route] [--dir .sluice/logs] [--json]
  sluice cache purge [spec] --route R [--consumer C] [--table T [--region X] [--endpoint U]]
  sluice keygen   [--prefix sk-sluice] [--label L] [--format text|json]
  sluice help

The spec defaults to gateway.yaml. A diff base may be git:REF:path (read with git show).
stats summarizes sluice dev's request records: --since 30m, 1h, 2d or an ISO time; --by
route, consumer, provider, model, status or endpoint.
Exit status: 0 success (diff: no changes), 1 invalid spec (diff: changes), 2 usage error.
`;

type Command = (argv: readonly string[], io: CliIo) => number | Promise<number>;

/** Commands load on demand, so `validate` never pays for loading the CDK. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate.ts')).validateCommand,
  plan: async () => (await import('./plan.ts')).planCommand,
  synth: async () => (await import('./synth.ts')).synthCommand,
  diff: async () => (await import('./diff.ts')).diffCommand,
  dev: async () => (await import('./dev.ts')).devCommand,
  stats: async () => (await import('./stats.ts')).statsCommand,
  cache: async () => (await import('./cache.ts')).cacheCommand,
  keygen: async () => (await import('./keygen.ts')).keygenCommand,
};

/** Runs the CLI with `argv` (without node and script); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`sluice: unknown command "${name}"\n\n${HELP}`);
    return EXIT.usage;
  }
  try {
    const command = await load();
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`sluice: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`sluice ${name}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
}
