/** The benchmark's own self-tests (report maths, doc sections, profile summary; bench/bench.test.mjs, node:test) run as part of `npm test`. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';

describe('bench self-tests', () => {
  it('pass under node --test', () => {
    const run = spawnSync(process.execPath, ['--test', join(ROOT, 'bench', 'bench.test.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toMatch(/# fail 0/);
    expect(run.stdout).toMatch(/# pass [1-9]/);
    expect(run.status).toBe(0);
  });
});
