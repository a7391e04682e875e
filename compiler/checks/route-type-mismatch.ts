/**
 * route-type-mismatch: a route only uses routes of its own type (chat or embeddings).
 * @module
 */
import { strategyNodes } from '../walk.ts';
import type { Check } from './context.ts';

export const routeTypeMismatch: Check = ({ spec }) =>
  [...strategyNodes(spec)].flatMap(({ node, path, route }) => {
    if (typeof node === 'string' || !('route' in node)) return [];
    const target = spec.routes[node.route];
    const own = spec.routes[route]?.type ?? 'chat';
    const other = target?.type ?? 'chat';
    if (!target || own === other) return [];
    return [
      {
        code: 'route-type-mismatch' as const,
        message: `${own} route "${route}" cannot use ${other} route "${node.route}"`,
        path: [...path, 'route'],
      },
    ];
  });
