/**
 * window-invalid: calendar windows are fixed, and duration windows are at least a second.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import { parseDuration } from '../duration.ts';
import { allLimits } from './limits.ts';
import type { Check } from './context.ts';

const CALENDAR = new Set(['day', 'week', 'month']);

export const windowInvalid: Check = ({ spec }) => {
  const findings: Finding[] = [];
  for (const { limit, path } of allLimits(spec)) {
    if (limit.window === undefined) continue;
    if (CALENDAR.has(limit.window)) {
      if (limit.algorithm === 'sliding') {
        findings.push({ code: 'window-invalid', message: `a calendar window ("${limit.window}") is always fixed; remove "algorithm: sliding" or use a duration like 24h`, path: [...path, 'algorithm'] });
      }
      continue;
    }
    const ms = parseDuration(limit.window);
    if (ms !== undefined && ms < 1_000) {
      findings.push({ code: 'window-invalid', message: `window ${limit.window} is shorter than 1s`, path: [...path, 'window'] });
    }
  }
  return findings;
};
