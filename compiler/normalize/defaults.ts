/**
 * Every default the compiler applies, in one place. The schema's `default` annotations
 * document the same values; a test keeps the two in step.
 * @module
 */

/** Defaults of `route_defaults`. */
export const ROUTE_DEFAULTS = {
  timeout: '120s',
  first_token_timeout: '45s',
  deadline: '600s',
  fallback_on: ['rate_limited', 'overloaded', 'timeout', 'network', 'server'],
  retry: { attempts: 2, on: [429, '5xx', 'timeout', 'network'], backoff: { initial: '200ms', max: '5s', multiplier: 2 } },
} as const;

/** Defaults of `gateway.runtime`. */
export const RUNTIME_DEFAULTS = { memory_mb: 1024, log_retention_days: 30, store_timeout: '250ms' } as const;

/** Defaults of a cache section. */
export const CACHE_DEFAULTS = { enabled: true, ttl: '1h', scope: 'consumer', streaming: true, max_entry_kb: 350 } as const;

/** Defaults of `logging`. */
export const LOGGING_DEFAULTS = {
  bodies: false,
  redact: ['email', 'credit-card', 'api-key'],
  retention_days: 30,
  client_ip: 'hashed',
  metadata: true,
} as const;

/** Defaults of `alerts`. */
export const ALERT_DEFAULTS = {
  enabled: true,
  server_error_rate: '5%',
  p99_latency: '60s',
  provider_error_rate: '25%',
  budget_used: '80%',
  dropped_log_records: true,
  period: '5m',
  evaluation_periods: 2,
} as const;

/** Defaults of `edge`. */
export const EDGE_DEFAULTS = {
  price_class: '100',
  origin_read_timeout: '60s',
  waf: { enabled: false, rate_limit: 2000, managed_rules: true },
} as const;

/** Defaults of `guardrails`. */
export const GUARDRAIL_DEFAULTS = { max_request_kb: 1024, pii: 'off', prompt_injection: 'off' } as const;

/** Defaults of provider fields. */
export const PROVIDER_DEFAULTS = {
  openaiBaseUrl: 'https://api.openai.com/v1',
  anthropicBaseUrl: 'https://api.anthropic.com',
  anthropicVersion: '2023-06-01',
  anthropicMaxTokens: 4096,
  geminiBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  streamUsage: true,
  mockLatency: '0ms',
  mockChunkDelay: '20ms',
} as const;

/** Writes per counter item per second above which a limit is spread over shards. */
export const SHARD_WRITES_PER_SECOND = 500;
