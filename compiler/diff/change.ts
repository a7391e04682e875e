/** Constructors for findings and changes, so every section builds them the same way. */
import type { Change, ChangeAction, DiffFlag, DiffSection, Finding } from './types.ts';

const FLAG_ORDER: readonly DiffFlag[] = ['loosens-security', 'raises-spend'];

/** Deduplicates and orders flags (`loosens-security` before `raises-spend`). */
export function flagSet(...groups: readonly (readonly DiffFlag[])[]): DiffFlag[] {
  const all = new Set(groups.flat());
  return FLAG_ORDER.filter((flag) => all.has(flag));
}

/** `flags` when `condition` holds, else none. */
export function flagIf(condition: boolean, ...flags: readonly DiffFlag[]): DiffFlag[] {
  return condition ? flagSet(flags) : [];
}

/** Options shared by the finding constructors. */
export interface FindingValues {
  readonly before?: unknown;
  readonly after?: unknown;
  readonly flags?: readonly DiffFlag[];
}

/** `{ before, after }` without the keys whose value is undefined (JSON stays minimal and ordered). */
function beforeAfter(values: { readonly before?: unknown; readonly after?: unknown }): { before?: unknown; after?: unknown } {
  return {
    ...(values.before !== undefined ? { before: values.before } : {}),
    ...(values.after !== undefined ? { after: values.after } : {}),
  };
}

function finding(action: ChangeAction, detail: string, values: FindingValues): Finding {
  return { action, detail, ...beforeAfter(values), flags: flagSet(values.flags ?? []) };
}

/** A finding that something was added. */
export function added(detail: string, values: FindingValues = {}): Finding {
  return finding('added', detail, values);
}

/** A finding that something changed. */
export function changed(detail: string, values: FindingValues = {}): Finding {
  return finding('changed', detail, values);
}

/** A finding that something was removed. */
export function removed(detail: string, values: FindingValues = {}): Finding {
  return finding('removed', detail, values);
}

/** Places findings under a section and subject; the message is `<subject>: <detail>`. */
export function toChanges(section: DiffSection, subject: string, findings: readonly Finding[]): Change[] {
  return findings.map((f) => ({
    section,
    subject,
    action: f.action,
    message: `${subject}: ${f.detail}`,
    ...beforeAfter(f),
    flags: f.flags,
  }));
}
