/** `diffPlans`: runs every section's comparison and assembles the ordered, summarized PlanDiff. */
import type { Plan } from '../../runtime/plan.ts';
import { compareChanges } from './order.ts';
import { diffAlerts } from './sections/alerts.ts';
import { diffCache } from './sections/cache.ts';
import { diffConsumers } from './sections/consumers.ts';
import { diffEdge } from './sections/edge.ts';
import { diffGateway } from './sections/gateway.ts';
import { diffGuardrails } from './sections/guardrails.ts';
import { diffLimits } from './sections/limits.ts';
import { diffLogging } from './sections/logging.ts';
import { diffPrices } from './sections/prices.ts';
import { diffProviders } from './sections/providers.ts';
import { diffRoutes } from './sections/routes.ts';
import type { Change, DiffSummary, PlanDiff, PlanRef } from './types.ts';

/** One section's comparison: a pure function of the two Plans. */
export type SectionDiff = (base: Plan, head: Plan) => Change[];

/**
 * Every section. Plan fields not compared, and why: `format` and `hash` (not behaviour),
 * `aliases` (derived from each route's aliases), `secrets` (derived from providers and keys),
 * limit `shards` (derived from the limit's rate).
 */
export const SECTIONS: readonly SectionDiff[] = [
  diffGateway,
  diffProviders,
  diffRoutes,
  diffConsumers,
  diffLimits,
  diffCache,
  diffLogging,
  diffAlerts,
  diffEdge,
  diffGuardrails,
  diffPrices,
];

function refOf(plan: Plan): PlanRef {
  return { hash: plan.hash, gateway: plan.gateway.name, stage: plan.gateway.stage };
}

/** Counts of actions and flags over the changes. */
export function summarize(changes: readonly Change[]): DiffSummary {
  const count = (test: (c: Change) => boolean): number => changes.filter(test).length;
  return {
    added: count((c) => c.action === 'added'),
    changed: count((c) => c.action === 'changed'),
    removed: count((c) => c.action === 'removed'),
    loosensSecurity: count((c) => c.flags.includes('loosens-security')),
    raisesSpend: count((c) => c.flags.includes('raises-spend')),
  };
}

/**
 * The behaviour changes from `base` to `head`, in plain words, each flagged when it loosens
 * security or can raise spend. Pure: neither Plan is modified. Equal behaviour gives no
 * changes even when the hashes differ.
 */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const changes = SECTIONS.flatMap((section) => section(base, head)).sort(compareChanges);
  return { version: 1, base: refOf(base), head: refOf(head), changes, summary: summarize(changes) };
}
