/** The runtime bundle: content-addressed directory, canonical plan.json, relative source map, Node-runnable ESM. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLES_DIR, bundleRuntime } from '../../infra/bundle.ts';
import { canonicalJson } from '../../compiler/canonical.ts';
import { testPlan } from '../support/plan.ts';

let outDir: string;
let dir: string;
const plan = testPlan();

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
  dir = bundleRuntime(plan, outDir);
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('bundleRuntime', () => {
  it('writes index.mjs, its source map and plan.json into <outDir>/.sluice-bundles/<hash>', () => {
    expect(dirname(dir)).toBe(join(outDir, BUNDLES_DIR));
    expect(basename(dir)).toMatch(/^[0-9a-f]{32}$/);
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map', 'plan.json']);
  });

  it('embeds the Plan as canonical JSON (sorted keys, 2-space indent)', () => {
    const text = readFileSync(join(dir, 'plan.json'), 'utf8');
    expect(text).toBe(`${canonicalJson(plan)}\n`);
    expect(text.indexOf('"aliases"')).toBeLessThan(text.indexOf('"consumers"'));
    expect(JSON.parse(text)).toEqual(plan);
  });

  it('is an ESM module with a createRequire banner and a linked source map', () => {
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'node:module';const require = createRequire(import.meta.url);")).toBe(true);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
    expect(code).toContain('GetSecretValue'); // the AWS SDK is bundled, not resolved at runtime
  });

  it('maps to sources by paths relative to the project, never absolute ones', () => {
    const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('../../runtime/lambda/handler.ts');
    expect(map.sources.every((s) => s.startsWith('../../') && !s.startsWith('/'))).toBe(true);
  });

  it('gives the same directory for the same Plan and another for another Plan', () => {
    expect(bundleRuntime(plan, outDir)).toBe(dir);
    expect(bundleRuntime(testPlan({ gateway: { stage: 'dev' } }), outDir)).not.toBe(dir);
  });
});
