/**
 * Counting windows: the id, start, end and expiry of the window a moment falls in, for
 * durations (aligned to the epoch) and UTC calendar periods (day, week from Monday, month).
 * @module
 */
import type { PlanWindow } from '../plan.ts';

/** One window of a limit. */
export interface WindowSpan {
  readonly id: string;
  readonly start: number;
  readonly end: number;
}

const DAY = 86_400_000;

/** The window `now` falls in. */
export function windowAt(window: PlanWindow, now: number): WindowSpan {
  if (window.kind === 'duration') {
    const start = Math.floor(now / window.ms) * window.ms;
    return { id: `t${start}`, start, end: start + window.ms };
  }
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (window.period === 'month') {
    const start = Date.UTC(y, m, 1);
    return { id: `m${y}-${String(m + 1).padStart(2, '0')}`, start, end: Date.UTC(y, m + 1, 1) };
  }
  const dayStart = Date.UTC(y, m, d.getUTCDate());
  if (window.period === 'day') return { id: `d${new Date(dayStart).toISOString().slice(0, 10)}`, start: dayStart, end: dayStart + DAY };
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  const start = dayStart - sinceMonday * DAY;
  return { id: `w${new Date(start).toISOString().slice(0, 10)}`, start, end: start + 7 * DAY };
}

/** The window before `span` (duration windows only; sliding limits use it). */
export function previousWindow(span: WindowSpan): WindowSpan {
  const length = span.end - span.start;
  return { id: `t${span.start - length}`, start: span.start - length, end: span.start };
}

/** Epoch seconds at which a window's counter may be deleted (kept one more window for sliding reads). */
export function expiryOf(span: WindowSpan): number {
  return Math.ceil((span.end + (span.end - span.start)) / 1000) + 60;
}

/** A wait in OpenAI's header style: `250ms`, `17s`, `6m0s`, `1h2m3s`. */
export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  let rest = Math.ceil(ms / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const sec = rest - m * 60;
  return h > 0 ? `${h}h${m}m${sec}s` : m > 0 ? `${m}m${sec}s` : `${sec}s`;
}
