/**
 * Argument parsing for the CLI commands, on node:util parseArgs, with usage errors that
 * say what was wrong instead of a stack.
 * @module
 */
import { parseArgs } from 'node:util';
import { UsageError } from './io.ts';

/** Option definitions in node:util's shape. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parsed flags and positionals of one command. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Parses `argv` for a command, turning parse failures into UsageErrors. */
export function parseCommandArgs(command: string, argv: readonly string[], options: OptionSpec, maxPositionals: number): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : 'invalid arguments';
    throw new UsageError(`${command}: ${message}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** A string option restricted to a set of values. */
export function choice<T extends string>(command: string, name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${command}: --${name} must be one of ${allowed.join(', ')}`);
}

/** A string option, or undefined. */
export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
