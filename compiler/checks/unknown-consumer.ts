/**
 * unknown-consumer: limits' consumer selectors and conditions name declared consumers.
 * @module
 */
import type { Finding, SpecPath } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../suggest.ts';
import { strategyNodes } from '../walk.ts';
import { allLimits } from './limits.ts';
import type { Check } from './context.ts';

export const unknownConsumer: Check = ({ spec }) => {
  const names = Object.keys(spec.consumers ?? {});
  const findings: Finding[] = [];
  const check = (consumer: string, path: SpecPath, where: string): void => {
    if (names.includes(consumer)) return;
    findings.push({
      code: 'unknown-consumer',
      message: `${where} names consumer "${consumer}", which is not declared${didYouMean(consumer, names)}`,
      path,
    });
  };
  for (const { limit, path } of allLimits(spec)) {
    (limit.consumers ?? []).forEach((c, i) => check(c, [...path, 'consumers', i], 'a limit'));
  }
  for (const { node, path, route } of strategyNodes(spec)) {
    if (typeof node === 'string' || !('conditional' in node)) continue;
    node.conditional.forEach((branch, b) =>
      (branch.when.consumer ?? []).forEach((c, i) => check(c, [...path, 'conditional', b, 'when', 'consumer', i], `a condition in route "${route}"`)),
    );
  }
  return findings;
};
