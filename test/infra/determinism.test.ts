/** Same Plan → byte-identical templates, asset manifests and Lambda assets, across directories and processes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/cdk-context.ts';
import { synthesize } from '../../infra/synthesize.ts';
import { testPlan } from '../support/plan.ts';

const plan = testPlan({
  gateway: { region: 'eu-west-1' },
  edge: { waf: { enabled: true, webAclArn: null, rateLimit: 2000, managedRules: true } },
});
const child = fileURLToPath(new URL('../support/synth-child.ts', import.meta.url));
const STACKS = ['Sluice-acme-prod-waf', 'Sluice-acme-prod'];

let root: string;
let dirA: string;
let dirB: string;

/** Deployable artifacts of a cloud assembly: templates, asset manifests and asset directories (file by file). */
function artifacts(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.template.json') || name.endsWith('.assets.json')) files.set(name, readFileSync(join(dir, name)));
    if (name.startsWith('asset.')) {
      for (const file of readdirSync(join(dir, name)).sort()) files.set(`${name}/${file}`, readFileSync(join(dir, name, file)));
    }
  }
  return files;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sluice-determinism-'));
  dirA = join(root, 'a');
  dirB = join(root, 'b', 'nested');
  expect(synthesize(plan, dirA).stacks).toEqual(STACKS);
  // A second, independent process: its own esbuild run, module graph and construct tree.
  const planFile = join(root, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, planFile, dirB], { cwd: PROJECT_ROOT });
  expect(JSON.parse(stdout)).toEqual({ stacks: STACKS });
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('synthesis determinism', () => {
  it('writes the same templates, asset manifests and asset files, byte for byte', () => {
    const a = artifacts(dirA);
    const b = artifacts(dirB);
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect([...a.keys()].filter((k) => k.endsWith('.template.json'))).toEqual(STACKS.map((s) => `${s}.template.json`).sort());
    expect([...a.keys()].filter((k) => k.startsWith('asset.')).map((k) => k.split('/')[1]).sort()).toEqual([
      'index.mjs',
      'index.mjs.map',
      'plan.json',
    ]);
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name) ?? Buffer.alloc(0)), name).toBe(true);
  });

  it('leaves no absolute path of the machine in any of them', () => {
    for (const [name, bytes] of artifacts(dirA)) {
      const text = bytes.toString('utf8');
      for (const path of [PROJECT_ROOT, root, tmpdir()]) expect(text.includes(path), `${name} contains ${path}`).toBe(false);
    }
  });
});
