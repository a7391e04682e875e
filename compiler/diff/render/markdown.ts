/**
 * The markdown rendering, for a pull-request comment: title, summary, the flagged changes
 * collected under "Needs a careful look", then a bullet list per section. Long diffs are cut
 * with a note so the comment stays under GitHub's 65,536-character limit.
 */
import { SECTION_TITLES } from '../order.ts';
import type { Change, PlanDiff } from '../types.ts';
import { ACTION_MARK, FLAG_WORDS, NO_CHANGES, bySection, countsText, securityText, shortHash, spendText } from './common.ts';

/** Most change lines one comment lists (the flagged list counts too). */
export const MARKDOWN_MAX_LINES = 300;

/** Most characters of change lines one comment holds, leaving room for headings and the note. */
export const MARKDOWN_MAX_CHARS = 60_000;

/** Escapes characters markdown would interpret (GitHub's `$` math included), so messages print literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/[\\`*_{}[\]<>|~#$]/g, '\\$&');
}

function changeLine(change: Change): string {
  const flags = change.flags.map((f) => ` **⚠ ${FLAG_WORDS[f]}**`).join('');
  return `- \`${ACTION_MARK[change.action]}\` ${escapeMarkdown(change.message)}${flags}`;
}

function title(diff: PlanDiff): string {
  const { base, head } = diff;
  const name = (g: string, s: string): string => `\`${g}\` (stage \`${s}\`)`;
  const names = base.gateway === head.gateway && base.stage === head.stage ? name(head.gateway, head.stage) : `${name(base.gateway, base.stage)} → ${name(head.gateway, head.stage)}`;
  return `### Sluice diff: ${names} \`${shortHash(base.hash)}\` → \`${shortHash(head.hash)}\``;
}

function summary(diff: PlanDiff): string {
  const s = diff.summary;
  const warn = (count: number, text: string): string => (count > 0 ? `⚠️ ${text}` : text);
  return `**${countsText(s)}** · ${warn(s.loosensSecurity, securityText(s))} · ${warn(s.raisesSpend, spendText(s))}`;
}

/** A heading and the change lines under it. */
interface Block {
  readonly heading: string;
  readonly lines: readonly string[];
}

function blocks(diff: PlanDiff): Block[] {
  const flagged = diff.changes.filter((c) => c.flags.length > 0);
  const careful = flagged.length > 0 ? [{ heading: '#### ⚠️ Needs a careful look', lines: flagged.map(changeLine) }] : [];
  const sections = bySection(diff.changes).map(({ section, changes }) => ({ heading: `#### ${SECTION_TITLES[section]}`, lines: changes.map(changeLine) }));
  return [...careful, ...sections];
}

/** Renders blocks until the line or character budget runs out; returns the text and lines left out. */
function withinBudget(all: readonly Block[]): { parts: string[]; omitted: number } {
  let lines = 0;
  let chars = 0;
  let omitted = 0;
  const parts: string[] = [];
  for (const block of all) {
    const kept = block.lines.filter((line) => {
      const fits = lines < MARKDOWN_MAX_LINES && chars + line.length + 1 <= MARKDOWN_MAX_CHARS;
      if (fits) [lines, chars] = [lines + 1, chars + line.length + 1];
      else omitted += 1;
      return fits;
    });
    if (kept.length > 0) parts.push(`${block.heading}\n\n${kept.join('\n')}`);
  }
  return { parts, omitted };
}

function truncationNote(omitted: number): string[] {
  if (omitted === 0) return [];
  return [`_… ${omitted} more ${omitted === 1 ? 'line' : 'lines'} not shown to fit a comment; run \`sluice diff\` (text or \`--format json\`) for every change._`];
}

/** Renders a diff as a pull-request comment. Ends with a newline. */
export function formatMarkdown(diff: PlanDiff): string {
  if (diff.changes.length === 0) return `${title(diff)}\n\n${NO_CHANGES}\n`;
  const { parts, omitted } = withinBudget(blocks(diff));
  return [title(diff), summary(diff), ...parts, ...truncationNote(omitted)].join('\n\n') + '\n';
}
