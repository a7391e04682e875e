/** Timestamp formatting for diff messages (key expiries). */

const END_OF_DAY = 'T23:59:59.999Z';

/**
 * Epoch ms as written in a spec: a key that `expires: 2027-06-30` is refused after the last
 * millisecond of that UTC day, so that instant prints as `2027-06-30`; any other instant prints
 * as `2027-06-30T12:00:00Z`. Null prints as `never`.
 */
export function formatTimestamp(ms: number | null): string {
  if (ms === null) return 'never';
  const iso = new Date(ms).toISOString();
  if (iso.endsWith(END_OF_DAY)) return iso.slice(0, 10);
  return iso.replace(/\.000Z$/, 'Z');
}
