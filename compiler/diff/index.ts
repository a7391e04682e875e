/** `sluice diff` library: the behaviour diff of two Plans and its text, markdown and JSON renderings. */
import { formatJson } from './render/json.ts';
import { formatMarkdown } from './render/markdown.ts';
import { formatText } from './render/text.ts';
import type { DiffFormat, PlanDiff } from './types.ts';

export { diffPlans } from './diff-plans.ts';
export type { Change, ChangeAction, DiffFlag, DiffFormat, DiffSection, DiffSummary, PlanDiff, PlanRef } from './types.ts';

/** Options of `formatDiff`. */
export interface FormatOptions {
  /** ANSI colors in the text format (ignored by markdown and JSON). @default false */
  readonly color?: boolean;
}

/**
 * Renders a diff: `text` for terminals (`No behaviour changes.` when empty), `markdown` for a
 * pull-request comment, `json` for bots (see docs/diff-json.md). Always ends with a newline.
 * @example formatDiff(diffPlans(base, head), 'markdown')
 */
export function formatDiff(diff: PlanDiff, format: DiffFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'text':
      return formatText(diff, options.color ?? false);
    case 'markdown':
      return formatMarkdown(diff);
    case 'json':
      return formatJson(diff);
  }
}
