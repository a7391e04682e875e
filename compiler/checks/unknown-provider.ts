/**
 * unknown-provider: every target and every stage override names a declared provider.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import { splitTarget } from '../spec.ts';
import { didYouMean } from '../suggest.ts';
import { strategyNodes, targetOf, targetPath } from '../walk.ts';
import type { Check } from './context.ts';

export const unknownProvider: Check = ({ spec }) => {
  const names = Object.keys(spec.providers);
  const findings: Finding[] = [];
  for (const { node, path } of strategyNodes(spec)) {
    const target = targetOf(node);
    if (target === undefined) continue;
    const { provider } = splitTarget(target);
    if (!(provider in spec.providers)) {
      findings.push({
        code: 'unknown-provider',
        message: `target "${target}" names provider "${provider}", which is not declared${didYouMean(provider, names)}`,
        path: targetPath(node, path),
      });
    }
  }
  for (const [stage, def] of Object.entries(spec.gateway.stages ?? {})) {
    for (const provider of Object.keys(def.overrides?.providers ?? {})) {
      if (provider in spec.providers) continue;
      findings.push({
        code: 'unknown-provider',
        message: `stage "${stage}" overrides provider "${provider}", which is not declared${didYouMean(provider, names)}`,
        path: ['gateway', 'stages', stage, 'overrides', 'providers', provider],
        atKey: true,
      });
    }
  }
  return findings;
};
