/**
 * key-expired: warns about API keys whose expiry has passed, and rejects expiry dates
 * that do not exist (2027-02-30).
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import { expiryMs } from '../normalize/keys.ts';
import type { Check } from './context.ts';

export const keyExpired: Check = ({ spec, now }) => {
  const findings: Finding[] = [];
  for (const [name, consumer] of Object.entries(spec.consumers ?? {})) {
    consumer.keys.forEach((key, i) => {
      if (key.expires === undefined) return;
      const path = ['consumers', name, 'keys', i, 'expires'];
      const at = expiryMs(key.expires);
      if (at === undefined) {
        findings.push({ code: 'invalid-format', message: `"${key.expires}" is not a real date`, path });
      } else if (at <= now) {
        findings.push({ code: 'key-expired', message: `a key of consumer "${name}" expired on ${key.expires}`, path });
      }
    });
  }
  return findings;
};
