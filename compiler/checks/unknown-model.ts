/**
 * unknown-model: a target on a provider with a `models` list names one of those models.
 * @module
 */
import { splitTarget } from '../spec.ts';
import { didYouMean } from '../suggest.ts';
import { strategyNodes, targetOf, targetPath } from '../walk.ts';
import type { Check } from './context.ts';

export const unknownModel: Check = ({ spec }) =>
  [...strategyNodes(spec)].flatMap(({ node, path }) => {
    const target = targetOf(node);
    if (target === undefined) return [];
    const { provider, model } = splitTarget(target);
    const models = spec.providers[provider]?.models;
    if (!models || model === '*' || models.includes(model)) return [];
    return [
      {
        code: 'unknown-model' as const,
        message: `provider "${provider}" does not list model "${model}"${didYouMean(model, models) || `; it lists: ${models.join(', ')}`}`,
        path: targetPath(node, path),
      },
    ];
  });
