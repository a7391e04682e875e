/**
 * Runs every invalid spec under fixtures/invalid and compares its diagnostics (severity,
 * code, line, column) with fixtures/invalid/expected.json, exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.ts';

const dir = join(import.meta.dirname, 'fixtures', 'invalid');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, string[]>;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const NOW = Date.UTC(2026, 10, 25);

describe('invalid specs', () => {
  it('has an expectation for every fixture and a fixture for every expectation', () => {
    expect(files.map((f) => f.replace(/\.yaml$/, ''))).toEqual(Object.keys(expected).sort());
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const result = compileSource(text, { file, now: NOW });
    const got = result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.start.line}:${d.start.col}`);
    expect(got).toEqual(expected[file.replace(/\.yaml$/, '')]);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(result.plan === null).toBe(errors.length > 0);
  });
});
