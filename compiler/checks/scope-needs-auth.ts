/**
 * scope-needs-auth: per-consumer limits need consumers, which need keys.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import { allLimits, scopesOf } from './limits.ts';
import type { Check } from './context.ts';

export const scopeNeedsAuth: Check = ({ spec }) => {
  if (spec.gateway.auth !== 'none') return [];
  const findings: Finding[] = [];
  for (const { limit, path, owner } of allLimits(spec)) {
    if (owner !== null) continue;
    if (scopesOf(limit, owner).includes('consumer')) {
      findings.push({ code: 'scope-needs-auth', message: 'scope "consumer" needs consumers, but auth is "none"', path: [...path, 'scope'] });
    }
  }
  return findings;
};
