/**
 * regex-invalid: redaction and deny patterns compile as JavaScript regular expressions in
 * Unicode mode (flag `u`), which is how the runtime compiles them.
 * @module
 */
import type { Finding, SpecPath } from '../diagnostics/diagnostic.ts';
import type { Check } from './context.ts';

export const regexInvalid: Check = ({ spec }) => {
  const findings: Finding[] = [];
  const check = (pattern: string, path: SpecPath): void => {
    try {
      new RegExp(pattern, 'u');
    } catch (err) {
      const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : 'does not compile';
      findings.push({ code: 'regex-invalid', message: `invalid regular expression: ${reason}`, path });
    }
  };
  (spec.logging?.redact ?? []).forEach((r, i) => {
    if (typeof r === 'object') check(r.pattern, ['logging', 'redact', i, 'pattern']);
  });
  (spec.guardrails?.deny ?? []).forEach((d, i) => check(d.pattern, ['guardrails', 'deny', i, 'pattern']));
  return findings;
};
