/** ANSI styling for the text format; a no-op palette when color is off. */
import type { ChangeAction } from '../types.ts';

/** Functions that wrap text in a style. */
export interface Palette {
  readonly action: (action: ChangeAction, text: string) => string;
  readonly flag: (text: string) => string;
  readonly heading: (text: string) => string;
}

const ACTION_CODES: Readonly<Record<ChangeAction, string>> = { added: '32', changed: '33', removed: '31' };

function wrap(code: string, text: string): string {
  return `\u001b[${code}m${text}\u001b[0m`;
}

/** Green additions, yellow changes, red removals, bold red flags, bold headings. */
export const COLOR: Palette = {
  action: (action, text) => wrap(ACTION_CODES[action], text),
  flag: (text) => wrap('1;31', text),
  heading: (text) => wrap('1', text),
};

/** Plain text. */
export const PLAIN: Palette = {
  action: (_action, text) => text,
  flag: (text) => text,
  heading: (text) => text,
};
