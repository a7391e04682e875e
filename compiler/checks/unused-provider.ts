/**
 * unused-provider: every declared provider is reached by some route.
 * @module
 */
import { splitTarget } from '../spec.ts';
import { strategyNodes, targetOf } from '../walk.ts';
import type { Check } from './context.ts';

export const unusedProvider: Check = ({ spec }) => {
  const used = new Set<string>();
  for (const { node } of strategyNodes(spec)) {
    const target = targetOf(node);
    if (target !== undefined) used.add(splitTarget(target).provider);
  }
  return Object.keys(spec.providers)
    .filter((name) => !used.has(name))
    .map((name) => ({ code: 'unused-provider' as const, message: `provider "${name}" is not used by any route`, path: ['providers', name], atKey: true }));
};
