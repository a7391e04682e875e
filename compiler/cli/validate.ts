/**
 * `sluice validate [spec] [--stage S] [--format text|json|github]`: diagnostics of a spec.
 * Exit 0 when valid, 1 when it has errors, 2 on usage errors.
 * @module
 */
import { formatDiagnostics, summarize, type DiagnosticFormat } from '../diagnostics/format.ts';
import { compileSource } from '../index.ts';
import { choice, parseCommandArgs, stringOption } from './args.ts';
import { EXIT, type CliIo } from './io.ts';
import { DEFAULT_SPEC, readSpecFile } from './load.ts';

const FORMATS: readonly DiagnosticFormat[] = ['text', 'json', 'github'];

/** Runs `validate`. */
export function validateCommand(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('validate', argv, { stage: { type: 'string' }, format: { type: 'string' } }, 1);
  const format = choice('validate', 'format', values.format, FORMATS, 'text');
  const file = positionals[0] ?? DEFAULT_SPEC;
  const text = readSpecFile(io, file);
  const stage = stringOption(values, 'stage');
  const result = compileSource(text, { file, now: io.now, ...(stage !== undefined ? { stage } : {}) });
  const out = formatDiagnostics(result.diagnostics, format, { [file]: text });
  if (format === 'text') {
    io.stdout.write(out);
    io.stdout.write(result.plan ? `${file}: valid (${summarize(result.diagnostics)})\n` : `${file}: invalid (${summarize(result.diagnostics)})\n`);
  } else {
    io.stdout.write(out);
  }
  return result.plan ? EXIT.ok : EXIT.findings;
}
