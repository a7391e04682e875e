/** Words shared by the text and markdown renderings: title, summary line, flag names, grouping. */
import { SECTION_ORDER } from '../order.ts';
import type { Change, ChangeAction, DiffFlag, DiffSection, DiffSummary, PlanDiff, PlanRef } from '../types.ts';

/** Hex characters of a Plan hash shown in titles. */
export const SHORT_HASH_LENGTH = 12;

/** `sha256:0123…` → `0123456789ab`. */
export function shortHash(hash: string): string {
  return hash.replace(/^sha256:/, '').slice(0, SHORT_HASH_LENGTH);
}

function planName(ref: PlanRef): string {
  return `${ref.gateway} (stage ${ref.stage})`;
}

/** `acme-ai (stage prod) 0123456789ab → fedcba987654`; both names when they differ. */
export function titleOf(diff: PlanDiff): string {
  const same = diff.base.gateway === diff.head.gateway && diff.base.stage === diff.head.stage;
  const names = same ? planName(diff.head) : `${planName(diff.base)} → ${planName(diff.head)}`;
  return `${names} ${shortHash(diff.base.hash)} → ${shortHash(diff.head.hash)}`;
}

/** Line prefix for each action. */
export const ACTION_MARK: Readonly<Record<ChangeAction, string>> = { added: '+', changed: '~', removed: '-' };

/** Flags in words, as printed next to a change. */
export const FLAG_WORDS: Readonly<Record<DiffFlag, string>> = {
  'loosens-security': 'loosens security',
  'raises-spend': 'raises spend',
};

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `3 changes: 1 added, 2 changed, 0 removed` */
export function countsText(s: DiffSummary): string {
  const total = s.added + s.changed + s.removed;
  return `${plural(total, 'change', 'changes')}: ${s.added} added, ${s.changed} changed, ${s.removed} removed`;
}

/** `1 loosens security` / `2 loosen security` */
export function securityText(s: DiffSummary): string {
  return plural(s.loosensSecurity, 'loosens security', 'loosen security');
}

/** `1 raises spend` / `2 raise spend` */
export function spendText(s: DiffSummary): string {
  return plural(s.raisesSpend, 'raises spend', 'raise spend');
}

/** The one-line summary: `3 changes: 1 added, 2 changed, 0 removed; 1 loosens security, 1 raises spend`. */
export function summaryLine(s: DiffSummary): string {
  return `${countsText(s)}; ${securityText(s)}, ${spendText(s)}`;
}

/** What every format prints when nothing changed. */
export const NO_CHANGES = 'No behaviour changes.';

/** Changes grouped by section, in section order, skipping empty sections. */
export function bySection(changes: readonly Change[]): { section: DiffSection; changes: Change[] }[] {
  return SECTION_ORDER.map((section) => ({ section, changes: changes.filter((c) => c.section === section) })).filter(
    (group) => group.changes.length > 0,
  );
}
