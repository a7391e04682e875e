/** Number formatting for diff messages: counts with thousands separators, percentages. */

/** Rounds to at most `digits` decimals and drops trailing zeros: `0.25`, `3`, `33.3`. */
export function trimDecimals(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/**
 * A count as reviewers read it: `600`, `1200`, `20,000`, `2,000,000`. Four-digit numbers stay
 * ungrouped (`1200`), larger ones get commas; fractions keep at most two decimals.
 */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text = trimDecimals(value, 2);
  if (Math.abs(value) < 10_000) return text;
  const [whole = '', fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A share as a percentage with at most one decimal: `0.75` → `75%`, `1/3` → `33.3%`. */
export function formatPercent(fraction: number): string {
  return `${trimDecimals(fraction * 100, 1)}%`;
}
