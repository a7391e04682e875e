/**
 * Pins the diagnostic catalog: codes and severities change only on purpose, every code is
 * documented in docs/diagnostics.md, and every code a spec can trigger has a fixture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CODES, CATALOG } from '../../compiler/diagnostics/catalog.ts';
import { renderCatalogDocs } from '../../compiler/diagnostics/docs.ts';

const root = join(import.meta.dirname, '..', '..');

describe('diagnostic catalog', () => {
  it('pins every code with its severity', () => {
    expect(Object.fromEntries(ALL_CODES.map((c) => [c, CATALOG[c].severity]))).toMatchSnapshot();
  });

  it('codes are lower-case slugs', () => {
    for (const code of ALL_CODES) expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('docs/diagnostics.md is generated from the catalog and up to date (npm run gen)', () => {
    const docs = readFileSync(join(root, 'docs', 'diagnostics.md'), 'utf8');
    expect(docs).toBe(renderCatalogDocs());
  });

  it('every code a spec can trigger has an invalid fixture', () => {
    const expected = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'invalid', 'expected.json'), 'utf8')) as Record<string, string[]>;
    const covered = new Set(Object.values(expected).flat().map((line) => line.split(' ')[1]));
    // Covered in compile.test.ts instead: the --stage option, the cap, and warnings that the
    // invalid fixtures do not isolate (expiry depends on the clock).
    const elsewhere = new Set(['unknown-stage', 'too-many-diagnostics', 'key-expired', 'credential-env-only', 'unused-provider']);
    const missing = ALL_CODES.filter((c) => !covered.has(c) && !elsewhere.has(c));
    expect(missing).toEqual([]);
  });
});
