/**
 * Diagnostics as data: each one has a stable code, a severity, a message, the path into
 * the spec and the source span it points at. They are collected, sorted and capped, never
 * thrown one at a time.
 * @module
 */
import { CATALOG, type DiagnosticCode, type Severity } from './catalog.ts';

/** A path into the spec document: mapping keys and sequence indexes. */
export type SpecPath = readonly (string | number)[];

/** A 1-based source position. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** One problem found in a spec. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** Spec file as given on the command line. */
  readonly file: string;
  readonly path: SpecPath;
  readonly start: Position;
  readonly end: Position;
  /** When true the source excerpt must be masked (it may hold a secret). */
  readonly sensitive?: boolean;
}

/** What a check reports before it is placed in the source. */
export interface Finding {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly path: SpecPath;
  /** Point at the key of `path` instead of its value. */
  readonly atKey?: boolean;
  readonly sensitive?: boolean;
  /** An explicit source span, for findings that do not come from a spec path (YAML errors). */
  readonly span?: { readonly start: Position; readonly end: Position };
}

/** Resolves a spec path to a source span. */
export type Locator = (path: SpecPath, atKey: boolean) => { start: Position; end: Position };

/** The most diagnostics reported for one file. */
export const MAX_DIAGNOSTICS = 100;

/** Places findings in the source, de-duplicates them, sorts by position and caps the count. */
export function toDiagnostics(file: string, findings: readonly Finding[], locate: Locator): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const span = f.span ?? locate(f.path, f.atKey ?? false);
    const key = `${f.code}|${span.start.line}:${span.start.col}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      code: f.code,
      severity: CATALOG[f.code].severity,
      message: f.message,
      file,
      path: f.path,
      start: span.start,
      end: span.end,
      ...(f.sensitive ? { sensitive: true } : {}),
    });
  }
  out.sort(compareDiagnostics);
  return capDiagnostics(out);
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.start.line - b.start.line || a.start.col - b.start.col || a.code.localeCompare(b.code);
}

function capDiagnostics(list: Diagnostic[]): Diagnostic[] {
  if (list.length <= MAX_DIAGNOSTICS) return list;
  const last = list[MAX_DIAGNOSTICS - 1]!;
  const kept = list.slice(0, MAX_DIAGNOSTICS);
  kept.push({
    code: 'too-many-diagnostics',
    severity: 'warning',
    message: `${list.length - MAX_DIAGNOSTICS} more diagnostics were left out`,
    file: last.file,
    path: [],
    start: last.start,
    end: last.end,
  });
  return kept;
}

/** True when any diagnostic is an error. */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** Renders a path the way a reader writes it: `routes.chat.strategy.fallback[1]`. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(root)' : out;
}
