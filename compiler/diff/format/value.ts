/** Generic value formatting for fields that have no dedicated formatter. */
import { formatList } from './list.ts';
import { formatCount } from './number.ts';

/** JSON with object keys sorted, so equal values always print the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  }) ?? 'undefined';
}

/** A value in words: `none` for null/absent, `on`/`off` for booleans, counts grouped, lists joined. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return formatCount(value);
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (Array.isArray(value)) return formatList(value.map(formatValue));
  return stableJson(value);
}
