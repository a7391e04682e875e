/**
 * bin/sluice.mjs runs the CLI from a CommonJS bundle compiled with node:vm and a V8 code
 * cache per command: a command's first run leaves its cache at exit, later runs use it, and a
 * cache V8 cannot use (corrupt, from another Node) is replaced, never an error. Code that
 * comes from the cache still loads the modules it imports at run time (the AWS SDK of the
 * dev state store), which Node 20 cannot do for cached code that calls `import()` itself.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ROOT, sluice, startDev, stopDev } from '../support/cli.ts';

const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'sluice');
const SPEC = 'examples/quickstart.yaml';

/** The bundle the last run used: the newest one (a run prunes the bundles of older sources). */
function bundle(): string {
  const names = readdirSync(CACHE_DIR).filter((n) => /^cli-[0-9a-f]+\.cjs$/.test(n));
  expect(names.length).toBeGreaterThan(0);
  const newest = names.map((n) => join(CACHE_DIR, n)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
  return newest;
}

const cacheOf = (command: string): string => bundle().replace(/\.cjs$/, `.${command}.v8cache`);

describe('the CLI code cache', () => {
  it('is written by a command run and used by the next, with the same output', () => {
    const first = sluice(['validate', SPEC]);
    expect(first.status).toBe(0);
    expect(existsSync(cacheOf('validate'))).toBe(true);
    const second = sluice(['validate', SPEC]);
    expect(second).toEqual(first);
    expect(second.stdout).toContain('valid (0 errors, 0 warnings)');
  });

  it('replaces a cache V8 refuses, and the command works as usual', () => {
    expect(sluice(['validate', SPEC]).status).toBe(0);
    const file = cacheOf('validate');
    const junk = Buffer.from('not a V8 code cache, just bytes in its place');
    writeFileSync(file, junk);
    const r = sluice(['validate', SPEC]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('valid (0 errors, 0 warnings)');
    expect(readFileSync(file).equals(junk)).toBe(false);
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it('names caches by known commands only: unknown words share one', () => {
    const r = sluice(['frobnicate']);
    expect(r.status).toBe(2);
    expect(existsSync(cacheOf('frobnicate'))).toBe(false);
    expect(existsSync(cacheOf('other'))).toBe(true);
  });

  it('serves sluice dev from its cache, run-time imports included (the state store loads the AWS SDK)', async () => {
    rmSync(cacheOf('dev'), { force: true });
    const first = await startDev(mkdtempSync(join(tmpdir(), 'sluice-cache-1-')));
    expect(await stopDev(first)).toBe(0);
    expect(existsSync(cacheOf('dev'))).toBe(true);

    const second = await startDev(mkdtempSync(join(tmpdir(), 'sluice-cache-2-')));
    try {
      const client = new OpenAI({ baseURL: `${second.url}/v1`, apiKey: 'sk-sluice-demo', maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello!' }] });
      expect(answer.choices[0]!.message.content).toBeTruthy();
      expect(second.stderr()).not.toMatch(/ExperimentalWarning|ERR_VM|internal error/);
    } finally {
      expect(await stopDev(second)).toBe(0);
    }
  });
});
