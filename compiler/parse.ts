/**
 * Parses gateway.yaml once, keeping source positions, and resolves spec paths back to
 * spans so every later diagnostic can point at a line and column.
 * @module
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Finding, Locator, Position, SpecPath } from './diagnostics/diagnostic.ts';

/** A parsed spec: its plain value, the YAML findings, and a locator into the source. */
export interface ParsedSpec {
  /** The document as plain JSON values; undefined when the YAML could not be read. */
  readonly value: unknown;
  readonly findings: readonly Finding[];
  /** Syntax errors make the value unreliable; later phases must not run. */
  readonly fatal: boolean;
  readonly locate: Locator;
}

/** Most alias expansions allowed, against "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;

/** Parses YAML text; never throws. */
export function parseSpec(text: string): ParsedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: true, prettyErrors: false });
  const pos = (offset: number): Position => lineCounter.linePos(Math.min(Math.max(offset, 0), text.length));
  const findings: Finding[] = doc.errors.map((err) => {
    const duplicate = err.code === 'DUPLICATE_KEY';
    const key = duplicate ? keyAt(text, err.pos[0]) : '';
    return {
      code: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
      message: duplicate ? `the key "${key}" appears twice in this mapping; YAML would keep only one` : cleanYamlMessage(err.message),
      path: [],
      span: { start: pos(err.pos[0]), end: pos(Math.max(err.pos[1], err.pos[0] + key.length)) },
    };
  });
  let fatal = findings.some((f) => f.code === 'yaml-syntax');
  let value: unknown;
  if (!fatal) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      fatal = true;
      findings.push({ code: 'yaml-syntax', message: `the document expands too many aliases (more than ${MAX_ALIAS_COUNT})`, path: [] });
    }
  }
  return { value, findings, fatal, locate: makeLocator(doc, pos) };
}

function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** The plain or quoted key that starts at `offset`. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 256);
  const quoted = /^(["'])(.*?)\1/.exec(rest);
  if (quoted) return quoted[2] ?? '';
  return (/^[^:\n]*/.exec(rest)?.[0] ?? '').trim();
}

function makeLocator(doc: Document, pos: (offset: number) => Position): Locator {
  const span = (node: Node | null | undefined): { start: Position; end: Position } | undefined =>
    node?.range ? { start: pos(node.range[0]), end: pos(node.range[1]) } : undefined;
  return (path, atKey) => {
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    for (const seg of path) {
      const next = step(node, seg);
      if (!next) break;
      node = next.node;
      pair = next.pair;
    }
    if (atKey && pair && isScalar(pair.key)) return span(pair.key)!;
    return span(node as Node) ?? (pair && isScalar(pair.key) ? span(pair.key)! : { start: pos(0), end: pos(0) });
  };
}

function step(node: unknown, seg: string | number): { node: unknown; pair?: Pair } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
    if (!pair) return undefined;
    return { node: pair.value ?? pair.key, pair };
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg];
    return item === undefined ? undefined : { node: item };
  }
  return undefined;
}
