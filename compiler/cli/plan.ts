/**
 * `sluice plan [spec] [--stage S] [-o file]`: the normalized Plan as canonical JSON.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { canonicalJson } from '../canonical.ts';
import { parseCommandArgs, stringOption } from './args.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';
import { DEFAULT_SPEC, loadPlan } from './load.ts';

/** Runs `plan`. */
export function planCommand(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('plan', argv, { stage: { type: 'string' }, output: { type: 'string', short: 'o' } }, 1);
  const plan = loadPlan(io, positionals[0] ?? DEFAULT_SPEC, stringOption(values, 'stage'));
  if (!plan) return EXIT.findings;
  const json = `${canonicalJson(plan)}\n`;
  const output = stringOption(values, 'output');
  if (output === undefined) {
    io.stdout.write(json);
    return EXIT.ok;
  }
  try {
    writeFileSync(resolve(io.cwd, output), json);
  } catch {
    throw new UsageError(`plan: cannot write ${output}`);
  }
  io.stderr.write(`wrote ${output} (${plan.hash})\n`);
  return EXIT.ok;
}
