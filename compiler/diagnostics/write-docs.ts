/**
 * Writes docs/diagnostics.md (run with `npm run docs`).
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCatalogDocs } from './docs.ts';

writeFileSync(join(import.meta.dirname, '..', '..', 'docs', 'diagnostics.md'), renderCatalogDocs());
