/** `sluice keygen [--prefix sk-sluice] [--label L] [--format text|json]`: a new random API key, its SHA-256 and the `keys:` entry to paste into gateway.yaml. */
import { createHash, randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { choice, parseCommandArgs, stringOption } from './args.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';

/** Random bytes in a key: 256 bits, 43 base64url characters. */
const KEY_BYTES = 32;

/** The prefix when none is given. */
export const DEFAULT_KEY_PREFIX = 'sk-sluice';

/** A generated key and what the spec holds instead of it. */
export interface GeneratedKey {
  /** `<prefix>-<43 base64url characters>`; shown once, stored nowhere by Sluice. */
  readonly key: string;
  /** Lower-case hex SHA-256 of the key's UTF-8 bytes, as the gateway compares it. */
  readonly sha256: string;
  readonly label?: string;
}

/** Makes a key with `prefix` from 32 crypto-random bytes, and its hash. */
export function generateKey(prefix: string = DEFAULT_KEY_PREFIX, label?: string): GeneratedKey {
  const key = `${prefix}-${randomBytes(KEY_BYTES).toString('base64url')}`;
  return { key, sha256: createHash('sha256').update(key, 'utf8').digest('hex'), ...(label === undefined ? {} : { label }) };
}

/** The `keys:` list entry for a key, indented for `consumers.<name>.keys` as in the examples, with the reminder comment. */
export function keysSnippet(generated: GeneratedKey): string {
  const entry = stringify([{ sha256: generated.sha256, ...(generated.label === undefined ? {} : { label: generated.label }) }]);
  const comment = '# Only the hash goes in the spec. Store the key itself securely (a secret manager, your client\'s config):\n# Sluice never stores it and cannot show it again.\n';
  return (comment + entry)
    .trimEnd()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

/** Runs `keygen`: everything goes to stdout, nothing to a file. */
export function keygenCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs('keygen', argv, { prefix: { type: 'string' }, label: { type: 'string' }, format: { type: 'string' } }, 0);
  const format = choice('keygen', 'format', values.format, ['text', 'json'] as const, 'text');
  const prefix = stringOption(values, 'prefix') ?? DEFAULT_KEY_PREFIX;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(prefix)) {
    throw new UsageError('keygen: --prefix must be 1-64 characters of A-Z a-z 0-9 _ - starting with a letter or digit');
  }
  const label = stringOption(values, 'label');
  if (label !== undefined && (label.length === 0 || label.length > 64)) throw new UsageError('keygen: --label must be 1-64 characters');
  const generated = generateKey(prefix, label);
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify({ key: generated.key, sha256: generated.sha256, label: generated.label ?? null }, null, 2)}\n`);
    return EXIT.ok;
  }
  io.stdout.write(
    `API key (shown only now):\n  ${generated.key}\n\nSHA-256:\n  ${generated.sha256}\n\n` +
      `Add it to a consumer's keys: list in gateway.yaml:\n\n${keysSnippet(generated)}\n`,
  );
  return EXIT.ok;
}
