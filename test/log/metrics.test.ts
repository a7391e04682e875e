/** EMF documents of request records: structure per the CloudWatch spec, and the values of each metric. */
import { describe, expect, it } from 'vitest';
import { DIMENSIONS, METRIC_NAMESPACE, METRICS } from '../../runtime/log/metric-names.ts';
import { budgetUsedPercent, createMetricsEmitter, droppedMetric, requestMetrics, type EmfDocument } from '../../runtime/log/metrics.ts';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { sampleRecord } from '../support/records.ts';
import { testPlan } from '../support/plan.ts';

const GATEWAY = 'acme-prod';
const TIME = '2026-01-02T03:04:05.000Z';

function record(extra: Partial<RequestRecord>): RequestRecord {
  return sampleRecord({
    time: TIME,
    gateway: 'acme',
    stage: 'prod',
    planHash: 'sha256:abc',
    consumer: 'team-a',
    requestedModel: 'chat',
    attempts: [],
    provider: null,
    model: null,
    usage: null,
    costUsd: null,
    latencyMs: 100,
    ttfbMs: null,
    ...extra,
  });
}

const usage = { promptTokens: 12, completionTokens: 34, cachedTokens: 0, reasoningTokens: 0, estimated: false };

const SCENARIOS = {
  fallback: record({
    attempts: [
      { provider: 'openai', model: 'gpt-4o-mini', status: 503, errorClass: 'overloaded', latencyMs: 40 },
      { provider: 'openai', model: 'gpt-4o-mini', status: null, errorClass: 'timeout', latencyMs: 1000 },
      { provider: 'anthropic', model: 'claude-haiku', status: 200, errorClass: null, latencyMs: 300 },
    ],
    provider: 'anthropic',
    model: 'claude-haiku',
    cache: 'MISS',
    usage,
    costUsd: 0.00042,
    latencyMs: 1400,
    ttfbMs: 1390,
  }),
  cacheHit: record({ provider: 'openai', model: 'gpt-4o-mini', cache: 'HIT', usage, costUsd: 0, latencyMs: 8, ttfbMs: 8 }),
  budgetRefused: record({
    status: 429,
    errorCode: 'budget_exceeded',
    limits: [
      { id: 'rpm', kind: 'requests', decision: 'admitted', limit: 60, remaining: 10 },
      { id: 'monthly', kind: 'budget_usd', decision: 'refused', limit: 100, remaining: 0 },
      { id: 'daily', kind: 'budget_usd', decision: 'admitted', limit: 10, remaining: 7.5 },
      { id: 'shared', kind: 'budget_usd', decision: 'store_error_open', limit: 10, remaining: null },
    ],
  }),
  noRoute: record({ route: null, consumer: null, status: 401, errorCode: 'invalid_api_key', latencyMs: 2 }),
} satisfies Record<string, RequestRecord>;

const UNITS = new Set(['Count', 'Milliseconds', 'Percent', 'None', 'Seconds', 'Bytes']);
const KNOWN_DIMENSIONS = new Set<string>(Object.values(DIMENSIONS));

/** Checks one document against the EMF specification (and our cardinality rules); returns its problems. */
function problems(d: EmfDocument): string[] {
  const out: string[] = [];
  if (!Number.isInteger(d._aws.Timestamp)) out.push('Timestamp is not an integer');
  if (d._aws.CloudWatchMetrics.length === 0) out.push('no metric directive');
  for (const directive of d._aws.CloudWatchMetrics) {
    if (directive.Namespace !== METRIC_NAMESPACE) out.push(`namespace ${directive.Namespace}`);
    for (const set of directive.Dimensions) {
      if (set.length === 0 || set.length > 30) out.push(`dimension set of ${set.length}`);
      for (const key of set) {
        const value = d[key];
        if (typeof value !== 'string' || value.length === 0 || value.length > 1024 || !/^[\x20-\x7e]+$/.test(value)) out.push(`dimension ${key} = ${String(value)}`);
        if (!KNOWN_DIMENSIONS.has(key)) out.push(`unknown dimension ${key}`);
      }
    }
    if (directive.Metrics.length === 0 || directive.Metrics.length > 100) out.push(`${directive.Metrics.length} metrics`);
    for (const m of directive.Metrics) {
      const value = d[m.Name];
      const numbers = Array.isArray(value) ? (value as unknown[]) : [value];
      if (numbers.length === 0 || numbers.length > 100 || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) out.push(`metric ${m.Name} = ${JSON.stringify(value)}`);
      if (!UNITS.has(m.Unit)) out.push(`unit ${m.Unit}`);
    }
  }
  return out;
}

/** The document whose directive lists exactly these dimension sets. */
function withDimensions(docs: readonly EmfDocument[], sets: string[][], filter: (d: EmfDocument) => boolean = () => true): EmfDocument[] {
  return docs.filter((d) => JSON.stringify(d._aws.CloudWatchMetrics[0]!.Dimensions) === JSON.stringify(sets) && filter(d));
}

function metricNames(d: EmfDocument): string[] {
  return d._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);
}

const REQUEST_SETS = [['Gateway'], ['Gateway', 'Route'], ['Gateway', 'Provider']];

describe('requestMetrics', () => {
  it.each(Object.entries(SCENARIOS))('%s: every document is valid EMF with low-cardinality dimensions only', (_, r) => {
    const docs = requestMetrics(r, GATEWAY);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) {
      expect(problems(d)).toEqual([]);
      expect(d._aws.Timestamp).toBe(Date.parse(TIME));
      expect(d.Gateway).toBe(GATEWAY);
      // High-cardinality values are never dimension values.
      const dimensionValues = d._aws.CloudWatchMetrics.flatMap((c) => c.Dimensions.flat()).map((k) => d[k]);
      expect(dimensionValues).not.toContain(r.requestId);
      expect(dimensionValues).not.toContain('team-a');
      expect(dimensionValues).not.toContain(r.model);
    }
    // One line each: parseable back into the same document.
    expect(docs.map((d) => JSON.parse(JSON.stringify(d)) as unknown)).toEqual(docs);
  });

  it('fallback: the request by the provider that answered, and the attempts per provider tried', () => {
    const docs = requestMetrics(SCENARIOS.fallback, GATEWAY);
    expect(docs).toHaveLength(3);
    const [req] = withDimensions(docs, REQUEST_SETS);
    expect(req).toMatchObject({
      Route: 'chat',
      Provider: 'anthropic',
      Requests: 1,
      ServerErrors: 0,
      ClientErrors: 0,
      Latency: 1400,
      TimeToFirstByte: 1390,
      InputTokens: 12,
      OutputTokens: 34,
      CostUsd: 0.00042,
      CacheHits: 0,
      requestId: 'req-1',
      consumer: 'team-a',
    });
    expect(metricNames(req!)).toEqual(['Requests', 'ServerErrors', 'ClientErrors', 'Latency', 'TimeToFirstByte', 'InputTokens', 'OutputTokens', 'CostUsd', 'CacheHits']);
    const attempts = withDimensions(docs, [['Gateway', 'Provider']]);
    expect(attempts.map((d) => [d.Provider, d.ProviderCalls, d.ProviderErrors, d.ProviderLatency])).toEqual([
      ['openai', [1, 1], [1, 1], [40, 1000]],
      ['anthropic', 1, 0, 300],
    ]);
    expect(metricNames(attempts[0]!)).toEqual(['ProviderCalls', 'ProviderErrors', 'ProviderLatency']);
  });

  it('cache hit: Provider is `cache`, the hit counts, no attempt documents', () => {
    const docs = requestMetrics(SCENARIOS.cacheHit, GATEWAY);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ Provider: 'cache', CacheHits: 1, CostUsd: 0, InputTokens: 12 });
  });

  it('refused by a budget: a client error with no provider, and BudgetUsedPercent per known budget_usd decision', () => {
    const docs = requestMetrics(SCENARIOS.budgetRefused, GATEWAY);
    const [req] = withDimensions(docs, REQUEST_SETS);
    expect(req).toMatchObject({ Provider: 'none', Route: 'chat', Requests: 1, ClientErrors: 1, ServerErrors: 0, status: 429 });
    expect(metricNames(req!)).toEqual(['Requests', 'ServerErrors', 'ClientErrors', 'Latency']);
    const budgets = withDimensions(docs, [['Gateway', 'Limit']]);
    expect(budgets.map((d) => [d.Limit, d.BudgetUsedPercent])).toEqual([
      ['monthly', 100],
      ['daily', 25],
    ]);
    expect(budgets[0]!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'BudgetUsedPercent', Unit: 'Percent' }]);
    expect(docs).toHaveLength(3);
  });

  it('no route (401): Route and Provider are `none`, no consumer property, only the always-present metrics', () => {
    const docs = requestMetrics(SCENARIOS.noRoute, GATEWAY);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ Route: 'none', Provider: 'none', ClientErrors: 1, Latency: 2 });
    expect(docs[0]).not.toHaveProperty('consumer');
    expect(metricNames(docs[0]!)).toEqual(['Requests', 'ServerErrors', 'ClientErrors', 'Latency']);
  });

  it('counts a 5xx answer as a server error', () => {
    const [req] = requestMetrics(record({ status: 502, errorCode: 'upstream_error' }), GATEWAY);
    expect(req).toMatchObject({ ServerErrors: 1, ClientErrors: 0 });
  });

  it('does not count client-fault attempts as provider errors', () => {
    const docs = requestMetrics(record({ status: 400, attempts: [{ provider: 'openai', model: 'm', status: 400, errorClass: 'invalid_request', latencyMs: 5 }] }), GATEWAY);
    expect(withDimensions(docs, [['Gateway', 'Provider']])[0]).toMatchObject({ ProviderCalls: 1, ProviderErrors: 0 });
  });

  it('splits more than 100 attempts of one provider into several documents', () => {
    const attempts = Array.from({ length: 150 }, () => ({ provider: 'openai', model: 'm', status: 503, errorClass: 'overloaded', latencyMs: 1 }));
    const docs = withDimensions(requestMetrics(record({ attempts }), GATEWAY), [['Gateway', 'Provider']]);
    expect(docs.map((d) => (d.ProviderCalls as number[]).length)).toEqual([100, 50]);
    for (const d of docs) expect(problems(d)).toEqual([]);
  });
});

describe('budgetUsedPercent', () => {
  it.each([
    [100, 0, 100],
    [100, 100, 0],
    [10, 7.5, 25],
    [100, 120, 0],
    [100, -5, 100],
  ])('limit %d, remaining %d: %d %%', (limit, remaining, percent) => {
    expect(budgetUsedPercent(limit, remaining)).toBe(percent);
  });
});

describe('createMetricsEmitter', () => {
  it('writes all lines of one record in one write, each a JSON document ending in a newline', () => {
    const writes: string[] = [];
    const emitter = createMetricsEmitter({ plan: testPlan(), out: { write: (t: string) => writes.push(t) } });
    emitter.emit(SCENARIOS.fallback);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.endsWith('\n')).toBe(true);
    const lines = writes[0]!.slice(0, -1).split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(requestMetrics(SCENARIOS.fallback, GATEWAY));
  });

  it('counts dropped records by Gateway, and writes nothing for zero', () => {
    const writes: string[] = [];
    const emitter = createMetricsEmitter({ plan: testPlan(), out: { write: (t: string) => writes.push(t) }, now: () => 1_700_000_000_000 });
    emitter.dropped(0);
    emitter.dropped(3);
    expect(writes).toHaveLength(1);
    const d = JSON.parse(writes[0]!) as EmfDocument;
    expect(d).toEqual(droppedMetric(3, GATEWAY, 1_700_000_000_000));
    expect(problems(d)).toEqual([]);
    expect(d).toMatchObject({ Gateway: GATEWAY, [METRICS.logRecordsDropped.name]: 3 });
    expect(d._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Gateway']]);
  });

  it('never throws when the output fails', () => {
    const emitter = createMetricsEmitter({
      plan: testPlan(),
      out: {
        write: () => {
          throw new Error('EPIPE');
        },
      },
    });
    expect(() => emitter.emit(SCENARIOS.noRoute)).not.toThrow();
    expect(() => emitter.dropped(1)).not.toThrow();
  });
});
