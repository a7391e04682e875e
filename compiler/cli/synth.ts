/**
 * `sluice synth [spec] [--stage S] [-o dir]`: validates the spec and synthesizes its CDK
 * stacks (CloudFormation templates and the Lambda bundle) into a cloud assembly, offline.
 * @module
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../../runtime/plan.ts';
import { parseCommandArgs, stringOption } from './args.ts';
import { EXIT, type CliIo } from './io.ts';
import { compileAndReport, DEFAULT_SPEC, readSpecFile } from './load.ts';

/** Runs `synth`. */
export async function synthCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('synth', argv, { stage: { type: 'string' }, output: { type: 'string', short: 'o' } }, 1);
  const file = positionals[0] ?? DEFAULT_SPEC;
  const result = compileAndReport(io, file, readSpecFile(io, file), stringOption(values, 'stage'));
  if (!result.plan) return EXIT.findings;
  const blocked = result.diagnostics.filter((d) => d.code === 'credential-env-only');
  if (blocked.length > 0) {
    io.stderr.write(`${file}: cannot deploy: ${blocked.length} provider key${blocked.length === 1 ? '' : 's'} come only from environment variables; add secret references\n`);
    return EXIT.findings;
  }
  const outdir = stringOption(values, 'output') ?? 'cdk.out';
  const stacks = await synthesizePlan(result.plan, resolve(io.cwd, outdir));
  io.stdout.write(`synthesized ${result.plan.gateway.name} (stage ${result.plan.gateway.stage}, plan ${result.plan.hash.slice(0, 19)}) into ${outdir}/\n`);
  for (const s of stacks) io.stdout.write(`  ${s}\n`);
  return EXIT.ok;
}

/** The infra module's public shape (loaded on demand: the CDK is large). */
type InfraModule = typeof import('../../infra/synthesize.ts');

/**
 * Loads infra/ from the project's sources. When the CLI runs from its cached bundle
 * (SLUICE_ROOT set by bin/sluice.mjs), TypeScript loading is switched on first.
 */
async function loadInfra(): Promise<InfraModule> {
  const root = process.env.SLUICE_ROOT;
  if (root === undefined) return import('../../infra/synthesize.ts');
  const { register } = await import('tsx/esm/api');
  register();
  return (await import(pathToFileURL(join(root, 'infra', 'synthesize.ts')).href)) as InfraModule;
}

async function synthesizePlan(plan: Plan, outdir: string): Promise<readonly string[]> {
  const { synthesize } = await loadInfra();
  return synthesize(plan, outdir).stacks;
}
