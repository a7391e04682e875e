/**
 * Generates the standalone ajv validator for gateway.schema.json (`npm run gen`), so no
 * process pays for compiling the schema at start-up. A test fails when the committed file
 * is out of date with the schema.
 * @module
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { SCHEMA } from './schema-source.ts';

const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;

/** The options every build of the validator uses. */
export const AJV_OPTIONS = { allErrors: true, strict: true, strictRequired: false, discriminator: true, verbose: true } as const;

const HEADER = '// Generated from schema/gateway.schema.json by `npm run gen`; do not edit by hand.\n/* eslint-disable */\n';

/** The ESM source of the standalone validator. */
export function generateValidatorSource(): string {
  const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true, esm: true, lines: false } });
  let code = standaloneCode(ajv, ajv.compile(SCHEMA));
  const imports: string[] = [];
  code = code.replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)\.default/g, (_m, path: string) => {
    const name = `runtime_${path.split('/').pop()}`;
    // CommonJS interop differs between Node (module.exports) and bundlers (exports.default).
    if (!imports.some((i) => i.includes(` ${name}_module `))) imports.push(`import ${name}_module from '${path}.js';\nconst ${name} = ${name}_module.default ?? ${name}_module;`);
    return name;
  });
  if (/require\(/.test(code)) throw new Error('generated validator still contains require()');
  return `${HEADER}${imports.join('\n')}\n${code.replace(/^"use strict";/, '')}\n`;
}
