/**
 * Loads and compiles a spec for a command: resolves the path, reads the file (a missing
 * file is a usage error), compiles, and prints diagnostics.
 * @module
 */
import { resolve } from 'node:path';
import type { Plan } from '../../runtime/plan.ts';
import { formatDiagnostics, summarize, type DiagnosticFormat } from '../diagnostics/format.ts';
import { compileSource, readSpec, SpecReadError, type CompileResult } from '../index.ts';
import { UsageError, type CliIo } from './io.ts';

/** Default spec file of every command. */
export const DEFAULT_SPEC = 'gateway.yaml';

/** Reads a spec file relative to the working directory; unreadable → UsageError. */
export function readSpecFile(io: CliIo, file: string): string {
  try {
    return readSpec(resolve(io.cwd, file));
  } catch (err) {
    if (err instanceof SpecReadError) throw new UsageError(`cannot read ${file}: ${err.reason}`);
    throw err;
  }
}

/** Compiles spec text, prints its diagnostics to stderr (text) and returns the result. */
export function compileAndReport(io: CliIo, file: string, text: string, stage: string | undefined, format: DiagnosticFormat = 'text'): CompileResult {
  const result = compileSource(text, { file, now: io.now, ...(stage !== undefined ? { stage } : {}) });
  if (result.diagnostics.length > 0) {
    io.stderr.write(formatDiagnostics(result.diagnostics, format, { [file]: text }));
    if (format === 'text') io.stderr.write(`${file}: ${summarize(result.diagnostics)}\n`);
  }
  return result;
}

/** Reads and compiles a spec file; returns its Plan, or null after printing the errors. */
export function loadPlan(io: CliIo, file: string, stage: string | undefined): Plan | null {
  return compileAndReport(io, file, readSpecFile(io, file), stage).plan;
}
