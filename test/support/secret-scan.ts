/**
 * Every request record a test file's gateways write (through `memoryLog`) is scanned after the
 * file for the keys the tests used: client keys, provider keys, and anything shaped like one.
 * The scan runs from test/setup/record-scan.ts; a key found in a record fails the file.
 */
import type { RequestRecord } from '../../runtime/log/types.ts';

/** Shapes of the keys the suites use (and real ones): OpenAI/Anthropic, Google, AWS, bearer headers. */
const KEY_SHAPES: readonly RegExp[] = [/sk-[A-Za-z0-9_*-]{3,}/, /AIza[0-9A-Za-z_-]{10,}/, /\b(?:AKIA|ASIA)[0-9A-Z]{12,}/, /bearer\s+\S/i, /"(?:authorization|x-api-key|api-key|x-goog-api-key)"/i];

const used = new Set<string>();
const written: RequestRecord[] = [];

/** Declares secrets a test file uses (client or provider keys), so the scan looks for them verbatim. */
export function useSecrets(...values: readonly string[]): void {
  for (const v of values) if (v.length >= 6) used.add(v);
}

/** Keeps a written record for the scan. */
export function noteRecord(record: RequestRecord): void {
  written.push(record);
}

/** Records kept so far in this file. */
export function recordsWritten(): readonly RequestRecord[] {
  return written;
}

/** What in `records` looks like a secret: `[requestId, what]` pairs (the match is named, not quoted). */
export function findSecrets(records: readonly unknown[], secrets: Iterable<string> = used): string[] {
  const found: string[] = [];
  const list = [...secrets];
  for (const r of records) {
    const text = JSON.stringify(r);
    const id = typeof r === 'object' && r !== null && 'requestId' in r ? String(r.requestId) : '?';
    list.forEach((s, i) => {
      if (text.includes(s)) found.push(`${id}: declared secret #${i + 1}`);
    });
    for (const shape of KEY_SHAPES) if (shape.test(text)) found.push(`${id}: text shaped like ${shape.source}`);
  }
  return found;
}
