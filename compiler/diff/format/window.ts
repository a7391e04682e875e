/** Limit amounts in words: `600/min`, `2,000,000 tokens/h`, `$500/month`, `20 in flight`. */
import type { LimitKind, PlanWindow } from '../../../runtime/plan.ts';
import { formatDuration } from './duration.ts';
import { formatUsd } from './money.ts';
import { formatCount } from './number.ts';

const DAY_MS = 86_400_000;

/** Calendar periods as milliseconds, to compare rates (a month counts as 30 days). */
const CALENDAR_MS = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS } as const;

/** Windows of exactly one unit get the unit's name; others print as a duration (`5m`). */
const UNIT_NAMES: Readonly<Record<number, string>> = {
  1_000: 's',
  60_000: 'min',
  3_600_000: 'h',
  [DAY_MS]: 'day',
};

/** The window after the slash: `min`, `h`, `day`, `month`, or a duration like `5m`. */
export function formatWindow(window: PlanWindow): string {
  if (window.kind === 'calendar') return window.period;
  return UNIT_NAMES[window.ms] ?? formatDuration(window.ms);
}

/** Length of a window in ms (calendar periods approximated), for comparing rates. */
export function windowMs(window: PlanWindow): number {
  return window.kind === 'calendar' ? CALENDAR_MS[window.period] : window.ms;
}

/** What a limit counts, as the word used in messages: `requests`, `tokens`, `budget`, `concurrency`. */
export function limitKindWord(kind: LimitKind): string {
  return { requests: 'requests', tokens: 'tokens', budget_usd: 'budget', concurrent: 'concurrency' }[kind];
}

/** The parts of a limit that `formatLimitAmount` reads. */
export interface LimitAmount {
  readonly kind: LimitKind;
  readonly amount: number;
  readonly window: PlanWindow | null;
}

/** `600/min`, `2,000,000 tokens/h`, `$500/month`, `20 in flight`. */
export function formatLimitAmount(limit: LimitAmount): string {
  const per = limit.window === null ? '' : `/${formatWindow(limit.window)}`;
  switch (limit.kind) {
    case 'requests':
      return `${formatCount(limit.amount)}${per}`;
    case 'tokens':
      return `${formatCount(limit.amount)} tokens${per}`;
    case 'budget_usd':
      return `${formatUsd(limit.amount)}${per}`;
    case 'concurrent':
      return `${formatCount(limit.amount)} in flight`;
  }
}

/** Amount per millisecond; concurrency limits (no window) return the amount itself. */
export function limitRate(limit: LimitAmount): number {
  return limit.window === null ? limit.amount : limit.amount / windowMs(limit.window);
}
