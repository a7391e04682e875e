/**
 * weight-outside-loadbalance: a weight only matters on a direct child of a loadbalance.
 * @module
 */
import { strategyNodes } from '../walk.ts';
import type { Check } from './context.ts';

export const weightOutsideLoadbalance: Check = ({ spec }) =>
  [...strategyNodes(spec)].flatMap(({ node, path, parentKind }) => {
    if (typeof node === 'string' || node.weight === undefined || parentKind === 'loadbalance') return [];
    return [{ code: 'weight-outside-loadbalance' as const, message: 'this weight has no effect: the node is not inside a loadbalance', path: [...path, 'weight'], atKey: true }];
  });
