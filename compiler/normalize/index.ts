/**
 * Normalization: a checked spec (stage applied) becomes the Plan, fully defaulted and
 * hashed. Runs only when no check reported an error.
 * @module
 */
import { PLAN_FORMAT, type Plan } from '../../runtime/plan.ts';
import { contentHash } from '../canonical.ts';
import type { Spec } from '../spec.ts';
import { normalizeAlerts } from './alerts.ts';
import { normalizeConsumers } from './keys.ts';
import { normalizeLimits } from './limits.ts';
import { normalizeProviders } from './providers.ts';
import { normalizeRoutes } from './routes.ts';
import { collectSecrets, normalizeEdge, normalizeGateway, normalizeGuardrails, normalizeLogging, normalizePrices } from './sections.ts';

/** Builds the Plan of a valid spec for one stage. */
export function normalize(spec: Spec, stage: string | undefined): Plan {
  const { routes, aliases } = normalizeRoutes(spec);
  const body: Omit<Plan, 'hash'> = {
    format: PLAN_FORMAT,
    gateway: normalizeGateway(spec, stage),
    providers: normalizeProviders(spec),
    routes,
    aliases,
    consumers: normalizeConsumers(spec),
    limits: normalizeLimits(spec),
    logging: normalizeLogging(spec),
    alerts: normalizeAlerts(spec),
    edge: normalizeEdge(spec),
    guardrails: normalizeGuardrails(spec),
    prices: normalizePrices(spec, routes),
    secrets: collectSecrets(spec),
  };
  return { ...body, hash: contentHash(body) };
}
