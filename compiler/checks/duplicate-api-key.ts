/**
 * duplicate-api-key: a key hash or key secret belongs to one consumer, once.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import type { Check } from './context.ts';

export const duplicateApiKey: Check = ({ spec }) => {
  const owner = new Map<string, string>();
  const findings: Finding[] = [];
  for (const [name, consumer] of Object.entries(spec.consumers ?? {})) {
    consumer.keys.forEach((key, i) => {
      const id = key.sha256 !== undefined ? `sha256:${key.sha256}` : `secret:${key.secret ?? ''}`;
      const field = key.sha256 !== undefined ? 'sha256' : 'secret';
      const first = owner.get(id);
      if (first === undefined) {
        owner.set(id, name);
        return;
      }
      findings.push({
        code: 'duplicate-api-key',
        message: first === name ? `consumer "${name}" lists this key twice` : `this key already belongs to consumer "${first}"`,
        path: ['consumers', name, 'keys', i, field],
      });
    });
  }
  return findings;
};
