/** The CDK app `cdk.json` runs: compiles `-c spec=…` (default `gateway.yaml`, `-c stage=…`) and adds its stacks. */
import { pathToFileURL } from 'node:url';
import { compileFile, formatDiagnostics, SpecReadError } from '../compiler/index.ts';
import type { Plan } from '../runtime/plan.ts';
import { addSluiceStacks } from './stack.ts';
import { createSluiceApp } from './synthesize.ts';

export { synthesize, type SynthesizeResult } from './synthesize.ts';

/** Spec compiled when no `-c spec=…` is given. */
export const DEFAULT_SPEC = 'gateway.yaml';

/** Compiles `spec`, printing diagnostics to stderr; null when it has errors or cannot be read. */
function compileForDeploy(spec: string, stage: string | undefined): Plan | null {
  try {
    const result = compileFile(spec, stage === undefined ? {} : { stage });
    if (result.diagnostics.length > 0) {
      process.stderr.write(formatDiagnostics(result.diagnostics, 'text', { [spec]: result.source }));
    }
    // Same rule as `sluice synth`: a key that only an env var holds cannot reach the deployed Lambda.
    if (result.diagnostics.some((d) => d.code === 'credential-env-only')) {
      process.stderr.write(`${spec}: cannot deploy: provider keys come only from environment variables; add secret references\n`);
      return null;
    }
    return result.plan;
  } catch (error) {
    if (!(error instanceof SpecReadError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return null;
  }
}

function main(): number {
  const app = createSluiceApp();
  const spec: unknown = app.node.tryGetContext('spec') ?? DEFAULT_SPEC;
  const stage: unknown = app.node.tryGetContext('stage');
  if (typeof spec !== 'string' || (stage !== undefined && typeof stage !== 'string')) {
    process.stderr.write('sluice: -c spec=FILE and -c stage=NAME take strings\n');
    return 1;
  }
  const plan = compileForDeploy(spec, stage);
  if (!plan) return 1;
  try {
    addSluiceStacks(app, plan);
    app.synth();
    return 0;
  } catch (error) {
    // cdk-nag findings and infra/* validation errors: the message says what to fix; no stack trace needed.
    process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main();
}
