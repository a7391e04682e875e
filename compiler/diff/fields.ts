/** Field-by-field comparison driven by small specs, for sections made of scalar settings. */
import { changed } from './change.ts';
import { deepEqual } from './equal.ts';
import { formatValue } from './format/value.ts';
import type { FlagRule } from './rules.ts';
import type { Finding } from './types.ts';

/** How one field of `T` is read, printed and flagged. */
export interface FieldSpec<T, V> {
  /** Words before the values: `retry attempts` in `retry attempts 1 → 3`. */
  readonly label: string;
  readonly get: (subject: T) => V;
  /** Value in words. @default formatValue */
  readonly format?: (value: V) => string;
  /** Whole detail text. @default `<label> <before> → <after>` */
  readonly phrase?: (before: V, after: V) => string;
  /** @default no flags */
  readonly flags?: FlagRule<V>;
}

/** A compiled field spec: returns a finding when the field differs, else null. */
export type FieldDiffer<T> = (base: T, head: T) => Finding | null;

/** Turns a spec into a differ; values are compared structurally. */
export function field<T, V>(spec: FieldSpec<T, V>): FieldDiffer<T> {
  const format = spec.format ?? formatValue;
  return (base, head) => {
    const before = spec.get(base);
    const after = spec.get(head);
    if (deepEqual(before, after)) return null;
    const detail = spec.phrase ? spec.phrase(before, after) : `${spec.label} ${format(before)} → ${format(after)}`;
    return changed(detail, { before: before ?? null, after: after ?? null, flags: spec.flags?.(before, after) ?? [] });
  };
}

/** Runs every differ over the two values and keeps the findings. */
export function diffFields<T>(base: T, head: T, differs: readonly FieldDiffer<T>[]): Finding[] {
  return differs.map((differ) => differ(base, head)).filter((f): f is Finding => f !== null);
}

/** A phrase for switches: `<label> turned on` / `<label> turned off`. */
export function togglePhrase(label: string): (before: boolean, after: boolean) => string {
  return (_before, after) => `${label} turned ${after ? 'on' : 'off'}`;
}
