/** Builds the Sluice stacks for a Plan in an App configured like `cdk synth` (cdk.json flags, cdk-nag on). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { App } from 'aws-cdk-lib';
import { afterAll } from 'vitest';
import { addSluiceStacks, type SluiceStacks } from '../../infra/stack.ts';
import { createSluiceApp } from '../../infra/synthesize.ts';
import type { Plan } from '../../runtime/plan.ts';

const outdirs: string[] = [];

/** A fresh cloud-assembly directory, removed after the test file. */
export function tempOutdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-synth-'));
  outdirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An app with the stacks of `plan`, and the gateway stack's template (synthesized once, nag included). */
export interface Synthesized extends SluiceStacks {
  readonly app: App;
  readonly outdir: string;
  readonly template: Template;
}

/** Synthesizes `plan`; throws like `cdk synth` would (cdk-nag findings, infra validation errors). */
export function synthPlan(plan: Plan): Synthesized {
  const outdir = tempOutdir();
  const app = createSluiceApp(outdir);
  const stacks = addSluiceStacks(app, plan);
  return { ...stacks, app, outdir, template: Template.fromStack(stacks.gateway) };
}

/** The `Resources` of a template of a given type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}
