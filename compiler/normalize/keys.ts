/**
 * Consumers and their API keys in Plan form.
 * @module
 */
import type { PlanApiKey, PlanConsumer } from '../../runtime/plan.ts';
import type { ApiKeySpec, Spec } from '../spec.ts';

/** Epoch ms at which a key written as `expires` stops working; undefined if not a real date. */
export function expiryMs(expires: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(expires);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  if (m[4] === undefined) return Date.UTC(y, mo - 1, d, 23, 59, 59, 999);
  const at = Date.parse(expires);
  return Number.isNaN(at) ? undefined : at;
}

function key(spec: ApiKeySpec): PlanApiKey {
  const common = { label: spec.label ?? null, expiresAt: spec.expires === undefined ? null : (expiryMs(spec.expires) ?? null) };
  return spec.sha256 !== undefined ? { kind: 'sha256', sha256: spec.sha256, ...common } : { kind: 'secret', secret: spec.secret!, ...common };
}

/** Consumers by name, with `*` resolved to every route. */
export function normalizeConsumers(spec: Spec): Record<string, PlanConsumer> {
  const allRoutes = Object.keys(spec.routes).sort();
  const out: Record<string, PlanConsumer> = {};
  for (const [name, c] of Object.entries(spec.consumers ?? {})) {
    const routes = !c.routes || c.routes.includes('*') ? allRoutes : [...c.routes].sort();
    out[name] = { name, keys: c.keys.map(key), routes, tags: { ...(c.tags ?? {}) } };
  }
  return out;
}
