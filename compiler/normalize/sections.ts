/**
 * The remaining sections in Plan form: gateway, logging, edge, guardrails, prices, secrets.
 * @module
 */
import type { PlanEdge, PlanGateway, PlanGuardrails, PlanLogging, PlanPrice, PlanRedaction, PlanRoute } from '../../runtime/plan.ts';
import { ms } from '../duration.ts';
import { priceFor } from '../prices.ts';
import type { Spec } from '../spec.ts';
import { EDGE_DEFAULTS, GUARDRAIL_DEFAULTS, LOGGING_DEFAULTS, RUNTIME_DEFAULTS } from './defaults.ts';

/** The gateway block for one stage. */
export function normalizeGateway(spec: Spec, stage: string | undefined): PlanGateway {
  const r = spec.gateway.runtime ?? {};
  const consumers = Object.keys(spec.consumers ?? {}).length;
  return {
    name: spec.gateway.name,
    stage: stage ?? 'default',
    auth: spec.gateway.auth ?? (consumers > 0 ? 'keys' : 'none'),
    region: spec.gateway.region ?? null,
    account: stage === undefined ? null : (spec.gateway.stages?.[stage]?.account ?? null),
    runtime: {
      memoryMb: r.memory_mb ?? RUNTIME_DEFAULTS.memory_mb,
      reservedConcurrency: r.reserved_concurrency ?? null,
      logRetentionDays: r.log_retention_days ?? RUNTIME_DEFAULTS.log_retention_days,
      storeTimeoutMs: ms(r.store_timeout ?? RUNTIME_DEFAULTS.store_timeout),
    },
  };
}

/** Logging with the default redactions when none are listed. */
export function normalizeLogging(spec: Spec): PlanLogging {
  const l = spec.logging ?? {};
  const redact: PlanRedaction[] = (l.redact ?? LOGGING_DEFAULTS.redact).map((r, i) =>
    typeof r === 'string'
      ? { kind: 'builtin', name: r as Extract<PlanRedaction, { kind: 'builtin' }>['name'] }
      : { kind: 'pattern', name: r.name ?? `pattern-${i + 1}`, pattern: r.pattern },
  );
  return {
    bodies: l.bodies ?? LOGGING_DEFAULTS.bodies,
    redact,
    retentionDays: l.retention_days ?? LOGGING_DEFAULTS.retention_days,
    clientIp: l.client_ip ?? LOGGING_DEFAULTS.client_ip,
    metadata: l.metadata ?? LOGGING_DEFAULTS.metadata,
  };
}

/** CloudFront settings. */
export function normalizeEdge(spec: Spec): PlanEdge {
  const e = spec.edge ?? {};
  const d = e.domain;
  const geo = e.geo?.allow ? { mode: 'allow' as const, countries: [...e.geo.allow].sort() } : e.geo?.deny ? { mode: 'deny' as const, countries: [...e.geo.deny].sort() } : null;
  return {
    domain: d ? { name: d.name, certificateArn: d.certificate_arn, hostedZoneId: d.hosted_zone_id ?? null, hostedZoneName: d.hosted_zone_name ?? null } : null,
    priceClass: e.price_class ?? EDGE_DEFAULTS.price_class,
    originReadTimeoutMs: ms(e.origin_read_timeout ?? EDGE_DEFAULTS.origin_read_timeout),
    waf: {
      enabled: e.waf?.enabled ?? EDGE_DEFAULTS.waf.enabled,
      webAclArn: e.waf?.web_acl_arn ?? null,
      rateLimit: e.waf?.rate_limit ?? EDGE_DEFAULTS.waf.rate_limit,
      managedRules: e.waf?.managed_rules ?? EDGE_DEFAULTS.waf.managed_rules,
    },
    geo,
  };
}

/** Request guardrails. */
export function normalizeGuardrails(spec: Spec): PlanGuardrails {
  const g = spec.guardrails ?? {};
  return {
    maxRequestKb: g.max_request_kb ?? GUARDRAIL_DEFAULTS.max_request_kb,
    deny: (g.deny ?? []).map((d, i) => ({ name: d.name ?? `deny-${i + 1}`, pattern: d.pattern })),
    pii: g.pii ?? GUARDRAIL_DEFAULTS.pii,
    promptInjection: g.prompt_injection ?? GUARDRAIL_DEFAULTS.prompt_injection,
  };
}

/** Prices of every target some route reaches (unpriced models are left out). */
export function normalizePrices(spec: Spec, routes: Readonly<Record<string, PlanRoute>>): Record<string, PlanPrice> {
  const out: Record<string, PlanPrice> = {};
  for (const route of Object.values(routes)) {
    for (const target of route.targets) {
      const i = target.indexOf('/');
      const price = priceFor(spec, target.slice(0, i), target.slice(i + 1));
      if (price) out[target] = price;
    }
  }
  return out;
}

/** Every Secrets Manager secret the runtime reads, sorted and distinct. */
export function collectSecrets(spec: Spec): string[] {
  const set = new Set<string>();
  for (const p of Object.values(spec.providers)) if (p.api_key?.secret) set.add(p.api_key.secret);
  for (const c of Object.values(spec.consumers ?? {})) for (const k of c.keys) if (k.secret) set.add(k.secret);
  return [...set].sort();
}
