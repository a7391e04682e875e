/** The fixed order of sections and the stable order of changes within them. */
import { compareText } from './format/list.ts';
import type { Change, DiffSection } from './types.ts';

/** Sections in the order every format prints them. */
export const SECTION_ORDER: readonly DiffSection[] = [
  'gateway',
  'providers',
  'routes',
  'consumers',
  'limits',
  'cache',
  'logging',
  'alerts',
  'edge',
  'guardrails',
  'prices',
];

/** Section headings as reviewers read them. */
export const SECTION_TITLES: Readonly<Record<DiffSection, string>> = {
  gateway: 'Gateway',
  providers: 'Providers',
  routes: 'Routes',
  consumers: 'Consumers',
  limits: 'Limits',
  cache: 'Cache',
  logging: 'Logging',
  alerts: 'Alerts',
  edge: 'Edge',
  guardrails: 'Guardrails',
  prices: 'Prices',
};

/** Section order, then subject, then message; independent of the locale. */
export function compareChanges(a: Change, b: Change): number {
  return (
    SECTION_ORDER.indexOf(a.section) - SECTION_ORDER.indexOf(b.section) ||
    compareText(a.subject, b.subject) ||
    compareText(a.message, b.message)
  );
}
