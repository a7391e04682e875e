/** List helpers for diff messages: readable joins and set differences. */

/** Longest list printed in full; longer lists end with `and N more`. */
export const LIST_MAX = 8;

/** `a, b, c`; `none` when empty; `a, b, … and 3 more` beyond `max` items. */
export function formatList(items: readonly string[], max: number = LIST_MAX): string {
  if (items.length === 0) return 'none';
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** `route chat` / `routes chat, embed`: a noun in singular or plural followed by the list. */
export function nounList(singular: string, plural: string, items: readonly string[]): string {
  return `${items.length === 1 ? singular : plural} ${formatList(items)}`;
}

/** Items only in `after` (added) and only in `before` (removed), each in their original order. */
export function listDelta<T>(before: readonly T[], after: readonly T[]): { added: T[]; removed: T[] } {
  const was = new Set(before);
  const now = new Set(after);
  return { added: after.filter((x) => !was.has(x)), removed: before.filter((x) => !now.has(x)) };
}

/** Sorted union of the keys of two records. */
export function unionKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareText);
}

/** Plain code-unit comparison, independent of the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
