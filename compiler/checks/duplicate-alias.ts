/**
 * duplicate-alias: each model alias selects exactly one route. A route without aliases
 * answers to its own name, which counts as its alias.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import type { Check } from './context.ts';

export const duplicateAlias: Check = ({ spec }) => {
  const owner = new Map<string, string>();
  const findings: Finding[] = [];
  for (const [route, def] of Object.entries(spec.routes)) {
    const aliases = def.aliases ?? [route];
    aliases.forEach((alias, i) => {
      const first = owner.get(alias);
      if (first === undefined) {
        owner.set(alias, route);
        return;
      }
      findings.push({
        code: 'duplicate-alias',
        message: `alias "${alias}" of route "${route}" is already an alias of route "${first}"`,
        path: def.aliases ? ['routes', route, 'aliases', i] : ['routes', route],
        atKey: def.aliases === undefined,
      });
    });
  }
  return findings;
};
