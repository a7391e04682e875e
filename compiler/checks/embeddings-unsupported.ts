/**
 * embeddings-unsupported: embeddings routes only target providers with an embeddings API.
 * @module
 */
import { splitTarget } from '../spec.ts';
import { strategyNodes, targetOf, targetPath } from '../walk.ts';
import type { Check } from './context.ts';

const WITHOUT_EMBEDDINGS = new Set(['anthropic']);

export const embeddingsUnsupported: Check = ({ spec }) => {
  return [...strategyNodes(spec)].flatMap(({ node, path, route }) => {
    const target = targetOf(node);
    if (target === undefined || spec.routes[route]?.type !== 'embeddings') return [];
    const type = spec.providers[splitTarget(target).provider]?.type;
    if (type === undefined || !WITHOUT_EMBEDDINGS.has(type)) return [];
    return [
      {
        code: 'embeddings-unsupported' as const,
        message: `embeddings route "${route}" targets "${target}", but ${type} has no embeddings API`,
        path: targetPath(node, path),
      },
    ];
  });
};
