/**
 * weight-not-positive: load-balance weights are positive numbers.
 * @module
 */
import { strategyNodes } from '../walk.ts';
import type { Check } from './context.ts';

export const weightNotPositive: Check = ({ spec }) =>
  [...strategyNodes(spec)].flatMap(({ node, path }) => {
    if (typeof node === 'string' || node.weight === undefined || node.weight > 0) return [];
    return [{ code: 'weight-not-positive' as const, message: `weight must be more than 0 (found ${node.weight})`, path: [...path, 'weight'] }];
  });
