/** In-process synthesis of a Plan (used by `sluice synth` and the CDK app). */
import { App } from 'aws-cdk-lib';
import type { Plan } from '../runtime/plan.ts';
import { cdkJsonContext } from './cdk-context.ts';
import { addNagChecks } from './nag.ts';
import { addSluiceStacks } from './stack.ts';

/** Result of {@link synthesize}. */
export interface SynthesizeResult {
  /** Names of the synthesized stacks, in deployment order. */
  readonly stacks: string[];
}

/** Context that keeps machine-specific paths (stack traces of this process) out of the cloud assembly. */
const REPRODUCIBLE_CONTEXT = {
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
} as const;

/** A CDK App with the feature flags of `cdk.json` and the cdk-nag checks, writing to `outdir`. */
export function createSluiceApp(outdir?: string): App {
  const app = new App({ outdir, context: { ...cdkJsonContext(), ...REPRODUCIBLE_CONTEXT } });
  addNagChecks(app);
  return app;
}

/**
 * Synthesizes `plan` into `outdir` (a cloud assembly `cdk deploy --app <outdir>` accepts).
 * Throws when cdk-nag reports an unacknowledged finding (the error lists them) or the Plan cannot be deployed.
 */
export function synthesize(plan: Plan, outdir: string): SynthesizeResult {
  const app = createSluiceApp(outdir);
  const { gateway, waf } = addSluiceStacks(app, plan);
  app.synth();
  return { stacks: waf ? [waf.stackName, gateway.stackName] : [gateway.stackName] };
}
