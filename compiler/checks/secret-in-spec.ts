/**
 * secret-in-spec: no string anywhere in the spec looks like a real provider key or AWS
 * access key. The message never repeats the value.
 * @module
 */
import type { Finding, SpecPath } from '../diagnostics/diagnostic.ts';
import type { Check } from './context.ts';

/** Shapes of well-known credentials. */
export const SECRET_SHAPES: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'an OpenAI or Anthropic API key', pattern: /\bsk-(?:ant-|proj-|live-)?[A-Za-z0-9_-]{20,}/ },
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
];

export const secretInSpec: Check = ({ spec }) => {
  const findings: Finding[] = [];
  const visit = (value: unknown, path: SpecPath): void => {
    if (typeof value === 'string') {
      const shape = SECRET_SHAPES.find((s) => s.pattern.test(value));
      if (shape) {
        findings.push({ code: 'secret-in-spec', message: `this value looks like ${shape.name}; never commit keys: reference a secret and rotate this key`, path, sensitive: true });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    }
  };
  visit(spec, []);
  return findings;
};
