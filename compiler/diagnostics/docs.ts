/**
 * Generates docs/diagnostics.md from the catalog (`npm run docs`), so every code has a
 * page anchor that error output can link to.
 * @module
 */
import { ALL_CODES, CATALOG } from './catalog.ts';

/** The Markdown reference of every diagnostic code. */
export function renderCatalogDocs(): string {
  const lines = [
    '# Diagnostic codes',
    '',
    '<!-- Generated from compiler/diagnostics/catalog.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'Every problem `sluice validate` reports has a stable code. Errors stop compilation; warnings do not.',
    'Output format: `file:line:col: severity code: message`, then the source line with a caret.',
    '',
    '| code | severity | meaning |',
    '|---|---|---|',
    ...ALL_CODES.map((c) => `| [\`${c}\`](#${c}) | ${CATALOG[c].severity} | ${CATALOG[c].summary} |`),
    '',
  ];
  for (const code of ALL_CODES) {
    const e = CATALOG[code];
    lines.push(`## ${code}`, '', `**${e.severity}**. ${e.summary}`, '', `Fix: ${e.fix}`, '');
  }
  return lines.join('\n');
}
