/** The JSON rendering: the PlanDiff itself, documented in docs/diff-json.md. */
import type { PlanDiff } from '../types.ts';

/** The diff as pretty-printed JSON (two-space indent, trailing newline). */
export function formatJson(diff: PlanDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}
