/**
 * Formatters for diagnostics: `text` for people (with the source line and a caret),
 * `json` for tools (versioned), `github` for workflow annotations.
 * @module
 */
import { SECRET_SHAPES } from '../checks/secret-in-spec.ts';
import type { Diagnostic } from './diagnostic.ts';
import { formatPath } from './diagnostic.ts';

/** Output formats of `sluice validate`. */
export type DiagnosticFormat = 'text' | 'json' | 'github';

/** Source texts by file name, for excerpts. */
export type Sources = Readonly<Record<string, string>>;

/** Renders diagnostics in a format. */
export function formatDiagnostics(list: readonly Diagnostic[], format: DiagnosticFormat, sources: Sources = {}): string {
  if (format === 'json') return formatJson(list);
  if (format === 'github') return list.map(formatGithub).join('\n') + (list.length > 0 ? '\n' : '');
  return formatText(list, sources);
}

/** `errors, warnings` counts as words: "2 errors, 1 warning". */
export function summarize(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

function formatText(list: readonly Diagnostic[], sources: Sources): string {
  return list.map((d) => `${d.file}:${d.start.line}:${d.start.col}: ${d.severity} ${d.code}: ${d.message}\n${excerpt(d, sources[d.file])}`).join('');
}

/** The source line with a caret under the span; masked where a secret could show. */
function excerpt(d: Diagnostic, source: string | undefined): string {
  if (source === undefined) return '';
  const raw = source.split(/\r?\n/)[d.start.line - 1];
  if (raw === undefined) return '';
  const line = raw.replace(/\t/g, ' ');
  const width = d.end.line === d.start.line ? Math.max(1, d.end.col - d.start.col) : Math.max(1, line.length - d.start.col + 1);
  const shown = d.sensitive ? maskSpan(line, d.start.col, width) : maskSecrets(line);
  const gutter = String(d.start.line).padStart(5);
  const pad = ' '.repeat(gutter.length);
  return `${gutter} | ${shown}\n${pad} | ${' '.repeat(d.start.col - 1)}${'^'.repeat(Math.min(width, Math.max(1, line.length - d.start.col + 1)))}\n`;
}

function maskSpan(line: string, col: number, width: number): string {
  const start = col - 1;
  const end = start + width;
  const masked = line.slice(0, start) + '*'.repeat(Math.max(0, Math.min(end, line.length) - start)) + line.slice(end);
  return maskSecrets(masked);
}

/** Replaces anything shaped like a known credential with asterisks. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const { pattern } of SECRET_SHAPES) out = out.replace(new RegExp(pattern.source, 'g'), (m) => '*'.repeat(m.length));
  return out;
}

function formatJson(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const out = {
    version: 1,
    valid: errors === 0,
    summary: { errors, warnings: list.length - errors },
    diagnostics: list.map((d) => ({
      file: d.file,
      line: d.start.line,
      col: d.start.col,
      endLine: d.end.line,
      endCol: d.end.col,
      severity: d.severity,
      code: d.code,
      message: d.message,
      path: formatPath(d.path),
      docs: `docs/diagnostics.md#${d.code}`,
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function formatGithub(d: Diagnostic): string {
  const kind = d.severity === 'error' ? 'error' : 'warning';
  const props = [`file=${prop(d.file)}`, `line=${d.start.line}`, `col=${d.start.col}`, `endLine=${d.end.line}`, `endColumn=${d.end.col}`, `title=${prop(`sluice ${d.code}`)}`];
  return `::${kind} ${props.join(',')}::${data(d.message)}`;
}

/** Escapes a workflow-command message. */
function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow-command property value. */
function prop(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
