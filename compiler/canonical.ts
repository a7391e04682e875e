/**
 * Canonical JSON: object keys sorted, arrays in order, no undefined. Used for the Plan's
 * printed form and for its content hash, so equal Plans print and hash identically.
 * @module
 */
import { createHash } from 'node:crypto';

/** Serializes a plain JSON value with sorted keys. `indent` 0 gives the compact form. */
export function canonicalJson(value: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** `sha256:<hex>` of the compact canonical JSON of a value. */
export function contentHash(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value, 0)).digest('hex')}`;
}
