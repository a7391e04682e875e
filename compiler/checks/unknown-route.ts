/**
 * unknown-route: `route:` nodes, consumers' allowed routes and limits' route selectors name
 * declared routes.
 * @module
 */
import type { Finding, SpecPath } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../suggest.ts';
import { strategyNodes } from '../walk.ts';
import { allLimits } from './limits.ts';
import type { Check } from './context.ts';

export const unknownRoute: Check = ({ spec }) => {
  const names = Object.keys(spec.routes);
  const findings: Finding[] = [];
  const check = (route: string, path: SpecPath, where: string): void => {
    if (route === '*' || route in spec.routes) return;
    findings.push({ code: 'unknown-route', message: `${where} names route "${route}", which is not declared${didYouMean(route, names)}`, path });
  };
  for (const { node, path, route } of strategyNodes(spec)) {
    if (typeof node !== 'string' && 'route' in node) check(node.route, [...path, 'route'], `route "${route}"`);
  }
  for (const [name, consumer] of Object.entries(spec.consumers ?? {})) {
    (consumer.routes ?? []).forEach((r, i) => check(r, ['consumers', name, 'routes', i], `consumer "${name}"`));
  }
  for (const { limit, path } of allLimits(spec)) {
    (limit.routes ?? []).forEach((r, i) => check(r, [...path, 'routes', i], 'a limit'));
  }
  return findings;
};
