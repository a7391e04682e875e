/**
 * CloudWatch metrics in embedded metric format (EMF): each request record becomes a few JSON
 * lines on stdout, and CloudWatch Logs extracts the metrics named in metric-names.ts from
 * them. Dimensions stay low-cardinality (gateway, route, provider, budget); the request id
 * and consumer name ride along as plain properties, for log search only.
 * @module
 */
import type { Plan } from '../plan.ts';
import { DIMENSIONS, gatewayDimension, METRIC_NAMESPACE, METRICS } from './metric-names.ts';
import type { AttemptRecord, RequestRecord } from './types.ts';
import { merged } from '../merged.ts';

type Metric = (typeof METRICS)[keyof typeof METRICS];
type Dimension = (typeof DIMENSIONS)[keyof typeof DIMENSIONS];
/** A metric's value: one number, or several values of one metric (at most 100). */
type MetricValue = number | readonly number[];

/** One EMF document (one log line). */
export interface EmfDocument {
  readonly _aws: {
    /** Epoch milliseconds the metrics belong to. */
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [member: string]: unknown;
}

/** Values of one metric array are capped by the format. */
const MAX_VALUES = 100;
/** Attempt error classes that are the client's fault, not the provider's. */
const CLIENT_FAULTS: ReadonlySet<string> = new Set(['invalid_request', 'context_length_exceeded', 'content_filtered']);

/** Provider dimension value of a request: `cache` for a hit, `none` when no provider answered. */
function servedBy(r: RequestRecord): string {
  if (r.cache === 'HIT') return 'cache';
  return r.provider ?? 'none';
}

/** One document: one metric directive over `dimensionSets`, with its dimension, metric and extra members. */
function doc(
  timestamp: number,
  dimensionSets: readonly (readonly Dimension[])[],
  dimensions: Partial<Record<Dimension, string>>,
  values: ReadonlyArray<readonly [Metric, MetricValue]>,
  properties: Readonly<Record<string, unknown>> = {},
): EmfDocument {
  const directive = {
    Namespace: METRIC_NAMESPACE,
    Dimensions: dimensionSets,
    Metrics: values.map(([m]) => ({ Name: m.name, Unit: m.unit })),
  };
  return merged(properties, { _aws: { Timestamp: timestamp, CloudWatchMetrics: [directive] }, ...dimensions, ...Object.fromEntries(values.map(([m, v]) => [m.name, v])) });
}

function requestValues(r: RequestRecord): Array<readonly [Metric, MetricValue]> {
  const values: Array<readonly [Metric, MetricValue]> = [
    [METRICS.requests, 1],
    [METRICS.serverErrors, r.status >= 500 ? 1 : 0],
    [METRICS.clientErrors, r.status >= 400 && r.status < 500 ? 1 : 0],
    [METRICS.latency, r.latencyMs],
  ];
  if (r.ttfbMs !== null) values.push([METRICS.ttfb, r.ttfbMs]);
  if (r.usage) values.push([METRICS.inputTokens, r.usage.promptTokens], [METRICS.outputTokens, r.usage.completionTokens]);
  if (r.costUsd !== null) values.push([METRICS.costUsd, r.costUsd]);
  if (r.cache === 'HIT' || r.cache === 'MISS') values.push([METRICS.cacheHits, r.cache === 'HIT' ? 1 : 0]);
  return values;
}

/** (a) The request, by Gateway; Gateway+Route; Gateway+Provider. */
function requestDoc(r: RequestRecord, gateway: string, timestamp: number): EmfDocument {
  const { gateway: g, route, provider } = DIMENSIONS;
  const properties: Record<string, unknown> = { requestId: r.requestId, status: r.status };
  if (r.consumer !== null) properties.consumer = r.consumer;
  return doc(timestamp, [[g], [g, route], [g, provider]], { [g]: gateway, [route]: r.route ?? 'none', [provider]: servedBy(r) }, requestValues(r), properties);
}

/** True when the attempt failed for a reason on the provider's side (or the way to it). */
function providerError(a: AttemptRecord): boolean {
  return a.errorClass !== null && !CLIENT_FAULTS.has(a.errorClass);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A single value as a number, several as an array (one value per attempt, so averages are rates). */
function values(list: readonly number[]): MetricValue {
  return list.length === 1 ? list[0]! : list;
}

/** (b) The attempts, one document per provider tried (values of several attempts as arrays). */
function attemptDocs(r: RequestRecord, gateway: string, timestamp: number): EmfDocument[] {
  const byProvider = new Map<string, AttemptRecord[]>();
  for (const a of r.attempts) byProvider.set(a.provider, [...(byProvider.get(a.provider) ?? []), a]);
  const { gateway: g, provider } = DIMENSIONS;
  return [...byProvider].flatMap(([name, attempts]) =>
    chunks(attempts, MAX_VALUES).map((part) =>
      doc(
        timestamp,
        [[g, provider]],
        { [g]: gateway, [provider]: name },
        [
          [METRICS.providerCalls, values(part.map(() => 1))],
          [METRICS.providerErrors, values(part.map((a) => (providerError(a) ? 1 : 0)))],
          [METRICS.providerLatency, values(part.map((a) => a.latencyMs))],
        ],
        { requestId: r.requestId },
      ),
    ),
  );
}

/** Percent of a budget used after the request, within 0..100. */
export function budgetUsedPercent(limit: number, remaining: number): number {
  return Math.min(100, Math.max(0, ((limit - remaining) / limit) * 100));
}

/** (c) Each `budget_usd` decision with a known remainder, by Gateway+Limit. */
function budgetDocs(r: RequestRecord, gateway: string, timestamp: number): EmfDocument[] {
  const { gateway: g, limit } = DIMENSIONS;
  return r.limits
    .filter((d) => d.kind === 'budget_usd' && d.limit > 0 && d.remaining !== null)
    .map((d) => doc(timestamp, [[g, limit]], { [g]: gateway, [limit]: d.id }, [[METRICS.budgetUsed, budgetUsedPercent(d.limit, d.remaining!)]], { requestId: r.requestId }));
}

/** The record's time as epoch ms (the arrival time; `fallback` if the record's time does not parse). */
function timestampOf(r: RequestRecord, fallback: number): number {
  const t = Date.parse(r.time);
  return Number.isFinite(t) ? t : fallback;
}

/**
 * The EMF documents of one request: the request itself, its attempts per provider and its
 * budget decisions.
 * @param gateway the Gateway dimension value (`gatewayDimension(plan)`)
 * @param now epoch ms, used only when the record's time does not parse
 */
export function requestMetrics(record: RequestRecord, gateway: string, now: number = Date.now()): EmfDocument[] {
  const timestamp = timestampOf(record, now);
  return [requestDoc(record, gateway, timestamp), ...attemptDocs(record, gateway, timestamp), ...budgetDocs(record, gateway, timestamp)];
}

/** The EMF document counting request records the log stream did not take. */
export function droppedMetric(count: number, gateway: string, timestamp: number): EmfDocument {
  const g = DIMENSIONS.gateway;
  return doc(timestamp, [[g]], { [g]: gateway }, [[METRICS.logRecordsDropped, count]]);
}

/** Documents as log lines, each ending in a newline. */
export function emfLines(docs: readonly EmfDocument[]): string {
  return docs.map((d) => `${JSON.stringify(d)}\n`).join('');
}

/** Turns request records (and dropped-record counts) into CloudWatch metrics. */
export interface MetricsEmitter {
  /** Emits the metrics of one request; never throws. */
  emit(record: RequestRecord): void;
  /** Counts request records the log stream did not take; never throws. */
  dropped(count: number): void;
}

/** Where EMF lines go: stdout, or anything with a `write` for tests. */
export interface LineWriter {
  write(text: string): unknown;
}

/** Options of `createMetricsEmitter`. */
export interface MetricsEmitterOptions {
  readonly plan: Plan;
  /**
   * Receives all lines of one record in one write. Lambda takes each stdout line as a log
   * event; `console.log` would prefix it and break the format.
   * @default process.stdout
   */
  readonly out?: LineWriter;
  /** Time of `dropped` metrics. @default the wall clock */
  readonly now?: () => number;
}

/** An emitter writing EMF lines. */
export function createMetricsEmitter(options: MetricsEmitterOptions): MetricsEmitter {
  const gateway = gatewayDimension(options.plan);
  const out = options.out ?? process.stdout;
  const now = options.now ?? Date.now;
  const write = (docs: () => EmfDocument[]): void => {
    try {
      out.write(emfLines(docs()));
    } catch {
      // Metrics are best effort: a broken stdout must not fail the request.
    }
  };
  return {
    emit: (record) => write(() => requestMetrics(record, gateway, now())),
    dropped: (count) => {
      if (count > 0) write(() => [droppedMetric(count, gateway, now())]);
    },
  };
}
