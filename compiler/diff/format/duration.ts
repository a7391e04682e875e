/** Duration formatting for diff messages: milliseconds to `250ms`, `1m`, `1m30s`, `1d`. */

const UNITS: readonly (readonly [suffix: string, ms: number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/**
 * Milliseconds as the compact form a spec author writes: `60000` → `1m`, `1500` → `1s500ms`,
 * `90000` → `1m30s`, `0` → `0ms`. Fractions of a millisecond are rounded.
 */
export function formatDuration(ms: number): string {
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0ms';
  const parts: string[] = [];
  for (const [suffix, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${suffix}`);
    rest -= count * size;
  }
  return (ms < 0 ? '-' : '') + parts.join('');
}
