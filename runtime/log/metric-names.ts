/**
 * The CloudWatch metrics contract between the runtime (which emits them in embedded metric
 * format on stdout) and the infra (dashboard and alarms). One place, so the two never drift.
 * @module
 */
import type { Plan } from '../plan.ts';

/** Namespace of every Sluice metric. */
export const METRIC_NAMESPACE = 'Sluice';

/** Dimension names. */
export const DIMENSIONS = {
  /** `<gateway.name>-<stage>`: every metric carries it. */
  gateway: 'Gateway',
  route: 'Route',
  /** The provider that answered (`none` when none did, `cache` for cache hits) or, on attempt metrics, the one tried. */
  provider: 'Provider',
  /** A `budget_usd` limit's id. */
  limit: 'Limit',
} as const;

/** Metric names with their units. */
export const METRICS = {
  /** Per request, by Gateway; Gateway+Route; Gateway+Provider. */
  requests: { name: 'Requests', unit: 'Count' },
  /** 1 when the gateway answered 5xx, else 0 (average = 5xx rate). */
  serverErrors: { name: 'ServerErrors', unit: 'Count' },
  /** 1 when the gateway answered 4xx, else 0. */
  clientErrors: { name: 'ClientErrors', unit: 'Count' },
  latency: { name: 'Latency', unit: 'Milliseconds' },
  ttfb: { name: 'TimeToFirstByte', unit: 'Milliseconds' },
  inputTokens: { name: 'InputTokens', unit: 'Count' },
  outputTokens: { name: 'OutputTokens', unit: 'Count' },
  costUsd: { name: 'CostUsd', unit: 'None' },
  /** 1 for a cache hit, else 0 (average = hit rate of the requests the cache was asked about). */
  cacheHits: { name: 'CacheHits', unit: 'Count' },
  /** Per upstream attempt, by Gateway+Provider. */
  providerCalls: { name: 'ProviderCalls', unit: 'Count' },
  /** 1 when the attempt failed (5xx, 429, timeout, transport, bad answer), else 0. */
  providerErrors: { name: 'ProviderErrors', unit: 'Count' },
  providerLatency: { name: 'ProviderLatency', unit: 'Milliseconds' },
  /** Per budget decision, by Gateway+Limit: percent of the budget used in its window after this request. */
  budgetUsed: { name: 'BudgetUsedPercent', unit: 'Percent' },
  /** Request records the log stream did not take (Firehose outage or refusal after retries), by Gateway. */
  logRecordsDropped: { name: 'LogRecordsDropped', unit: 'Count' },
} as const;

/** The Gateway dimension's value for a Plan. */
export function gatewayDimension(plan: Plan): string {
  return `${plan.gateway.name}-${plan.gateway.stage}`;
}
