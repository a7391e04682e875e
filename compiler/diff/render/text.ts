/** The text rendering: a heading per section, `+`/`~`/`-` lines with flag markers, a summary line. */
import { SECTION_TITLES } from '../order.ts';
import type { Change, PlanDiff } from '../types.ts';
import { COLOR, PLAIN, type Palette } from './ansi.ts';
import { ACTION_MARK, FLAG_WORDS, NO_CHANGES, bySection, summaryLine, titleOf } from './common.ts';

function changeLine(change: Change, palette: Palette): string {
  const flags = change.flags.map((f) => palette.flag(`[${FLAG_WORDS[f]}]`));
  const line = palette.action(change.action, `${ACTION_MARK[change.action]} ${change.message}`);
  return ['  ' + line, ...flags].join(' ');
}

/** Renders a diff for a terminal; ANSI colors only when `color` is true. Ends with a newline. */
export function formatText(diff: PlanDiff, color = false): string {
  if (diff.changes.length === 0) return `${NO_CHANGES}\n`;
  const palette = color ? COLOR : PLAIN;
  const sections = bySection(diff.changes).map(({ section, changes }) =>
    [palette.heading(SECTION_TITLES[section]), ...changes.map((c) => changeLine(c, palette))].join('\n'),
  );
  return [palette.heading(`sluice diff ${titleOf(diff)}`), ...sections, summaryLine(diff.summary)].join('\n\n') + '\n';
}
