/**
 * Writes every generated file: the standalone schema validator and the diagnostics
 * reference (`npm run gen`).
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCatalogDocs } from './diagnostics/docs.ts';
import { generateValidatorSource } from './validate/generate.ts';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, 'compiler', 'validate', 'generated', 'gateway-validator.js'), generateValidatorSource());
writeFileSync(join(root, 'docs', 'diagnostics.md'), renderCatalogDocs());
