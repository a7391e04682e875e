/**
 * `sluice diff <base> <head> [--stage S] [--format text|markdown|json]`: behaviour changes
 * between two specs. A base of the form `git:REF:path` is read from git. Exit 0 when
 * nothing changed, 1 when something did, 2 on any error.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { diffPlans, formatDiff } from '../diff/index.ts';
import type { Plan } from '../../runtime/plan.ts';
import { choice, parseCommandArgs, stringOption } from './args.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';
import { compileAndReport, readSpecFile } from './load.ts';

const FORMATS = ['text', 'markdown', 'json'] as const;

/** Runs `diff`. Invalid specs are errors here (exit 2), not changes. */
export function diffCommand(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('diff', argv, { stage: { type: 'string' }, format: { type: 'string' } }, 2);
  if (positionals.length !== 2) throw new UsageError('diff: needs two specs: sluice diff <base> <head> (base may be git:REF:path)');
  const format = choice('diff', 'format', values.format, FORMATS, 'text');
  const stage = stringOption(values, 'stage');
  const base = planOf(io, positionals[0]!, stage);
  const head = planOf(io, positionals[1]!, stage);
  if (!base || !head) {
    io.stderr.write('diff: cannot compare specs that do not compile\n');
    return EXIT.usage;
  }
  const diff = diffPlans(base, head);
  io.stdout.write(formatDiff(diff, format, { color: format === 'text' && io.isTty }));
  return diff.changes.length === 0 ? EXIT.ok : EXIT.findings;
}

function planOf(io: CliIo, ref: string, stage: string | undefined): Plan | null {
  const { label, text } = ref.startsWith('git:') ? readFromGit(io, ref) : { label: ref, text: readSpecFile(io, ref) };
  return compileAndReport(io, label, text, stage).plan;
}

/** Reads `git:REF:path` with `git show REF:path` (no shell involved). */
export function readFromGit(io: CliIo, ref: string): { label: string; text: string } {
  const rest = ref.slice('git:'.length);
  const i = rest.indexOf(':');
  if (i <= 0 || i === rest.length - 1) throw new UsageError(`diff: "${ref}" must look like git:REF:path, for example git:origin/main:gateway.yaml`);
  const rev = rest.slice(0, i);
  const path = rest.slice(i + 1);
  if (rev.startsWith('-')) throw new UsageError(`diff: "${rev}" is not a git revision`);
  try {
    const text = execFileSync('git', ['show', `${rev}:${path.replace(/^\.\//, './')}`], { cwd: io.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
    return { label: `${rev}:${path}`, text };
  } catch {
    throw new UsageError(`diff: cannot read ${path} at git revision ${rev}`);
  }
}
