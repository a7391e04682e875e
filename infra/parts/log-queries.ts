/**
 * The saved Athena queries over the request log table. Each reads the last
 * {@link QUERY_DAYS} days through the `dt` partition, so a query scans at most that many
 * days of objects whatever the retention. Column names are the table's (lower case; see
 * log-columns.ts). Arrays of structs are unnested through `transform`, which reads the same
 * in every Athena engine version.
 * @module
 */

/** Days of logs each saved query reads. */
export const QUERY_DAYS = 7;

/** The partition filter every saved query carries (dates are UTC, as Firehose writes them). */
export const RECENT_PARTITIONS = `dt >= date_format(current_date - INTERVAL '${QUERY_DAYS}' DAY, '%Y-%m-%d')`;

/** Attempt error classes that are the client's fault; the ProviderErrors metric leaves them out too. */
const CLIENT_FAULTS = ['invalid_request', 'context_length_exceeded', 'content_filtered'];

/** One saved query. */
export interface LogQuery {
  /** Construct id and stable key. */
  readonly id: string;
  /** What the console lists, after the gateway label. */
  readonly title: string;
  readonly description: string;
  /** Reads the table unqualified; the named query carries the database. */
  readonly sql: string;
}

const providerFault = `errorclass IS NOT NULL AND errorclass NOT IN (${CLIENT_FAULTS.map((c) => `'${c}'`).join(', ')})`;

/** The saved queries, reading `table` of the query's database. */
export function logQueries(table: string): LogQuery[] {
  return [
    {
      id: 'SpendByConsumer',
      title: 'spend by consumer',
      description: `USD spent per consumer over the last ${QUERY_DAYS} days, at the Plan's prices (cache hits cost nothing), with token totals.`,
      sql: `SELECT
  coalesce(consumer, '(none)') AS caller,
  count(*) AS requests,
  round(sum(costusd), 4) AS cost_usd,
  sum(usage.prompttokens) AS input_tokens,
  sum(usage.completiontokens) AS output_tokens,
  count_if(costusd IS NULL AND usage IS NOT NULL) AS unpriced_requests
FROM ${table}
WHERE ${RECENT_PARTITIONS}
GROUP BY 1
ORDER BY cost_usd DESC NULLS LAST`,
    },
    {
      id: 'ErrorRateByProvider',
      title: 'error rate by provider',
      description: `Share of upstream attempts per provider that failed on the provider's side (5xx, 429, timeout, network) over the last ${QUERY_DAYS} days.`,
      sql: `SELECT
  provider_name,
  count(*) AS attempts,
  count_if(${providerFault}) AS provider_errors,
  round(100.0 * count_if(${providerFault}) / count(*), 2) AS error_rate_percent,
  approx_percentile(attempt_ms, 0.95) AS p95_attempt_ms
FROM ${table}
CROSS JOIN UNNEST(
  transform(attempts, a -> a.provider),
  transform(attempts, a -> a.errorclass),
  transform(attempts, a -> a.latencyms)
) AS t (provider_name, errorclass, attempt_ms)
WHERE ${RECENT_PARTITIONS}
GROUP BY provider_name
ORDER BY error_rate_percent DESC`,
    },
    {
      id: 'CacheHitRateByRoute',
      title: 'cache hit rate by route',
      description: `Cache hits among the requests the cache was asked about (HIT or MISS), per route, over the last ${QUERY_DAYS} days.`,
      sql: `SELECT
  coalesce(route, '(none)') AS route_name,
  count(*) AS requests,
  count_if(cache = 'HIT') AS hits,
  count_if(cache IN ('HIT', 'MISS')) AS lookups,
  round(100.0 * count_if(cache = 'HIT') / nullif(count_if(cache IN ('HIT', 'MISS')), 0), 2) AS hit_rate_percent
FROM ${table}
WHERE ${RECENT_PARTITIONS}
GROUP BY 1
ORDER BY requests DESC`,
    },
    {
      id: 'LatencyByModel',
      title: 'p95 latency by model',
      description: `Latency and time to first byte per answering provider and model (cache hits left out) over the last ${QUERY_DAYS} days.`,
      sql: `SELECT
  provider AS answered_by,
  model,
  count(*) AS requests,
  approx_percentile(latencyms, 0.5) AS p50_latency_ms,
  approx_percentile(latencyms, 0.95) AS p95_latency_ms,
  approx_percentile(ttfbms, 0.95) AS p95_ttfb_ms
FROM ${table}
WHERE ${RECENT_PARTITIONS}
  AND model IS NOT NULL
  AND coalesce(cache, '') <> 'HIT'
GROUP BY provider, model
ORDER BY p95_latency_ms DESC`,
    },
  ];
}
