/**
 * Durations and windows as written in gateway.yaml (`250ms`, `30s`, `5m`, `1h`, `7d`,
 * `day`, `week`, `month`), converted to milliseconds once, at compile time.
 * @module
 */
import type { PlanWindow } from '../runtime/plan.ts';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration string; undefined when it does not parse. */
export function parseDuration(text: string): number | undefined {
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Milliseconds of a duration that the schema already validated. */
export function ms(text: string): number {
  const value = parseDuration(text);
  if (value === undefined) throw new Error(`internal: unvalidated duration "${text}"`);
  return value;
}

/** A window string as a Plan window. */
export function parseWindow(text: string): PlanWindow {
  if (text === 'day' || text === 'week' || text === 'month') return { kind: 'calendar', period: text };
  return { kind: 'duration', ms: ms(text) };
}

/** Writes milliseconds the way a person would: 90000 → "90s", 3600000 → "1h". */
export function formatMs(value: number): string {
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m], ['s', UNIT_MS.s]] as const) {
    if (value >= size && value % size === 0) return `${value / size}${unit}`;
  }
  return `${value}ms`;
}
