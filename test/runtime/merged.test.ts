/**
 * `merged()` and the rule it serves: runtime code never builds an object with a literal
 * that starts with a spread and goes on (`{ ...a, k: v }`, `{ ...a, ...b }`). On Node 20
 * such a literal gets a new hidden class on every evaluation once optimised, which keeps
 * finished requests alive into the old generation (see runtime/merged.ts). The scan below
 * is the guard; test/e2e/retention.test.ts measures the effect on the running gateway.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { merged } from '../../runtime/merged.ts';
import { ROOT } from '../support/cli.ts';

describe('merged', () => {
  it('is { ...a, ...b } and { ...a, ...b, ...c }: later keys win, order kept, inputs untouched', () => {
    const a = { x: 1, y: 2 };
    const b = { y: 3, z: 4 };
    const out = merged(a, b);
    expect(out).toEqual({ x: 1, y: 3, z: 4 });
    expect(Object.keys(out)).toEqual(['x', 'y', 'z']);
    expect(a).toEqual({ x: 1, y: 2 });
    expect(out).not.toBe(a);
    expect(merged(a, b, { x: 'last' })).toEqual({ x: 'last', y: 3, z: 4 });
    expect(merged(a, {})).toEqual(a);
  });

  it('copies own enumerable keys only, like a spread', () => {
    const proto = { inherited: true };
    const a = Object.create(proto) as Record<string, unknown>;
    a.own = 1;
    Object.defineProperty(a, 'hidden', { value: 2, enumerable: false });
    expect(merged(a, { b: 1 })).toEqual({ own: 1, b: 1 });
  });
});

/** Every object literal in `source` that opens with a spread and has more members, as "line: text". */
function spreadLeadingLiterals(source: string): string[] {
  const file = ts.createSourceFile('scan.ts', source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node) && node.properties.length > 1 && ts.isSpreadAssignment(node.properties[0]!)) {
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      found.push(`${line}: ${node.getText(file).replace(/\s+/g, ' ').slice(0, 80)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the spread-first rule', () => {
  it('the scan finds the shapes it must and ignores the rest', () => {
    const src = [
      'const a = { ...h, k: 1 };',
      'const b = { ...h, ...g };',
      'f({\n  ...deps,\n  waitUntil,\n});',
      'const ok1 = { ...h };',
      'const ok2 = { k: 1, ...h };',
      'const { x, ...rest } = y;',
      "const s = '{ ...h, k }';",
      '// { ...h, k }',
      '/* { ...h, k } */',
      'const t = `${JSON.stringify({ ...h })}`;',
      'const nested = { k: { ...h, j: 1 } };',
    ].join('\n');
    expect(spreadLeadingLiterals(src).map((l) => l.split(':')[0])).toEqual(['1', '2', '3', '14']);
  });

  it('no runtime module builds an object with a literal that starts with a spread', () => {
    const offenders = tsFiles(join(ROOT, 'runtime')).flatMap((file) => spreadLeadingLiterals(readFileSync(file, 'utf8')).map((hit) => `${relative(ROOT, file)}:${hit}`));
    expect(offenders, 'use merged(a, b) from runtime/merged.ts, or start the literal with a plain key').toEqual([]);
  });
});
