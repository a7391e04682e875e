/**
 * duplicate-limit-name: limit names are unique across the spec (they identify counters,
 * 429 errors and diff lines).
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import { allLimits } from './limits.ts';
import type { Check } from './context.ts';

export const duplicateLimitName: Check = ({ spec }) => {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const { limit, path } of allLimits(spec)) {
    if (limit.name === undefined) continue;
    if (seen.has(limit.name)) {
      findings.push({ code: 'duplicate-limit-name', message: `another limit is already named "${limit.name}"`, path: [...path, 'name'] });
    }
    seen.add(limit.name);
  }
  return findings;
};
