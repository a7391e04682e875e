/**
 * The compiler's entry point: gateway.yaml text → diagnostics and, when there are no
 * errors, the Plan. Phases: parse (positions kept), schema, stage overrides, meaning
 * checks, normalize.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Plan } from '../runtime/plan.ts';
import { CHECKS } from './checks/index.ts';
import { CATALOG } from './diagnostics/catalog.ts';
import { hasErrors, toDiagnostics, type Diagnostic, type Finding } from './diagnostics/diagnostic.ts';
import { normalize } from './normalize/index.ts';
import { parseSpec } from './parse.ts';
import type { Spec } from './spec.ts';
import { applyStage } from './stage.ts';
import { validateSchema } from './validate/schema.ts';

export type { Diagnostic } from './diagnostics/diagnostic.ts';
export { formatDiagnostics } from './diagnostics/format.ts';
export { canonicalJson } from './canonical.ts';

/** Options of a compile. */
export interface CompileOptions {
  /** File name shown in diagnostics. */
  readonly file: string;
  /** Stage whose overrides apply; none: the spec as written. */
  readonly stage?: string;
  /** Clock for expiry checks, epoch ms. @default Date.now() */
  readonly now?: number;
}

/** What a compile produced. `plan` is null exactly when a diagnostic is an error. */
export interface CompileResult {
  readonly plan: Plan | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The source text, for excerpts in formatted diagnostics. */
  readonly source: string;
}

/** Compiles spec text. Never throws on bad input. */
export function compileSource(text: string, options: CompileOptions): CompileResult {
  const parsed = parseSpec(text);
  const findings: Finding[] = [...parsed.findings];
  let plan: Plan | null = null;
  if (!parsed.fatal) {
    findings.push(...validateSchema(parsed.value));
    if (!findings.some((f) => isError(f))) plan = checkAndNormalize(parsed.value as Spec, options, findings);
  }
  const diagnostics = toDiagnostics(options.file, findings, parsed.locate);
  return { plan: hasErrors(diagnostics) ? null : plan, diagnostics, source: text };
}

function checkAndNormalize(raw: Spec, options: CompileOptions, findings: Finding[]): Plan | null {
  const staged = applyStage(raw, options.stage);
  if ('finding' in staged) {
    findings.push(staged.finding);
    return null;
  }
  const ctx = { spec: staged.spec, now: options.now ?? Date.now() };
  for (const check of CHECKS) findings.push(...check(ctx));
  if (findings.some(isError)) return null;
  return normalize(staged.spec, options.stage);
}

function isError(f: Finding): boolean {
  return CATALOG[f.code].severity === 'error';
}

/** An error reading a spec file: the CLI reports it as a usage error (exit 2). */
export class SpecReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot read ${file}: ${reason}`);
    this.name = 'SpecReadError';
  }
}

/** Reads and compiles a spec file; throws SpecReadError when the file cannot be read. */
export function compileFile(path: string, options: Omit<CompileOptions, 'file'> = {}): CompileResult {
  return compileSource(readSpec(path), { ...options, file: path });
}

/** Reads a spec file as UTF-8 text. */
export function readSpec(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : 'unreadable';
    throw new SpecReadError(path, reason);
  }
}
