/** isoTime: the record's `time`, formatted once per second, is exactly what toISOString writes. */
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../runtime/log/draft.ts';

describe('isoTime', () => {
  it('writes what toISOString writes, across seconds, days, years and signs', () => {
    const times: number[] = [];
    // Runs of consecutive milliseconds across second, minute and day boundaries, in both directions.
    for (const edge of [Date.UTC(2026, 11, 7, 23, 59, 59, 990), 0, Date.UTC(2024, 1, 29, 0, 0, 0, 0), -1000]) {
      for (let d = -15; d <= 15; d++) times.push(edge + d);
    }
    for (let d = 30; d >= -30; d--) times.push(Date.UTC(2025, 0, 1) + d);
    // Fractional times (a Date keeps their whole part, toward zero), and the ends of what a Date can hold.
    times.push(1.5, -1.5, 999.9, -999.9, -0, 8.64e15, -8.64e15, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), Date.UTC(-1, 0, 1, 0, 0, 0, 5));
    // A spread of times, visited in an order that jumps between seconds.
    for (let i = 0; i < 2000; i++) times.push(Math.floor(((i * 7919) % 2000) * 1_000_003.7));
    for (const t of times) expect(isoTime(t), String(t)).toBe(new Date(t).toISOString());
  });

  it('throws as toISOString does for a time a Date cannot hold', () => {
    for (const t of [Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1, -8.64e15 - 1]) {
      expect(() => isoTime(t)).toThrow(RangeError);
    }
    // And a good time right after still comes out right.
    expect(isoTime(1_765_148_028_063)).toBe('2025-12-07T22:53:48.063Z');
  });
});
