/** The CDK app `cdk.json` runs, driven the way the CDK CLI drives it (CDK_OUTDIR, CDK_CONTEXT_JSON). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdkJsonContext, PROJECT_ROOT } from '../../infra/cdk-context.ts';

interface Run {
  readonly code: number;
  readonly stderr: string;
}

let root: string;

/** Runs `infra/app.ts` as `cdk synth -c …` would. */
async function runApp(outdir: string, context: Record<string, string>): Promise<Run> {
  const env = {
    PATH: process.env.PATH,
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), ...context }),
  };
  try {
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/app.ts'], { cwd: PROJECT_ROOT, env });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sluice-app-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.concurrent('infra/app.ts', () => {
  it('synthesizes -c spec=examples/quickstart.yaml into Sluice-quickstart-default', async () => {
    const outdir = join(root, 'quickstart');
    const run = await runApp(outdir, { spec: 'examples/quickstart.yaml' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'Sluice-quickstart-default.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    expect(Object.values(template.Resources).map((r) => r.Type)).toContain('AWS::Lambda::Function');
  });

  it('prints the diagnostics and exits 1 when the spec has errors', async () => {
    const spec = join(root, 'broken.yaml');
    writeFileSync(spec, 'version: 1\ngateway:\n  name: Not_Valid\n');
    const run = await runApp(join(root, 'broken'), { spec });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('broken.yaml:3:');
  });

  it('exits 1 with a one-line message when the spec cannot be read', async () => {
    const run = await runApp(join(root, 'missing'), { spec: 'does-not-exist.yaml' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('cannot read does-not-exist.yaml: no such file\n');
  });
});
