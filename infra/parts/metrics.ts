/**
 * CloudWatch metric objects for the metrics the runtime emits (names, namespace and dimensions
 * from runtime/log/metric-names.ts, never restated here), shared by the dashboard and the
 * alarms. Every metric carries the Gateway dimension of the Plan.
 * @module
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DIMENSIONS, gatewayDimension, METRIC_NAMESPACE, METRICS } from '../../runtime/log/metric-names.ts';
import type { Plan } from '../../runtime/plan.ts';

/** A metric of metric-names.ts, by its key there. */
export type MetricKey = keyof typeof METRICS;

/** Which slice of a metric: the whole gateway, or one route, provider or budget limit. */
export type MetricSlice =
  | { readonly by: 'gateway' }
  | { readonly by: 'route'; readonly name: string }
  | { readonly by: 'provider'; readonly name: string }
  | { readonly by: 'limit'; readonly name: string };

/** The whole gateway. */
export const WHOLE: MetricSlice = { by: 'gateway' };

/** Options of one metric. */
export interface MetricOptions {
  /** `Sum`, `Average`, `Maximum`, `p99`, … */
  readonly statistic: string;
  /** @default the slice name, or the metric name for the whole gateway */
  readonly label?: string;
  /** @default 5 minutes (CloudWatch's default) */
  readonly period?: Duration;
}

/** Builds the Gateway-scoped metrics of one Plan. */
export class GatewayMetrics {
  /** The Gateway dimension value (`<name>-<stage>`). */
  readonly gateway: string;

  /** @param plan the Plan whose Gateway dimension every metric carries */
  constructor(plan: Plan) {
    this.gateway = gatewayDimension(plan);
  }

  /** One metric of one slice. */
  metric(key: MetricKey, slice: MetricSlice, options: MetricOptions): cloudwatch.Metric {
    const dimensionsMap: Record<string, string> = { [DIMENSIONS.gateway]: this.gateway };
    if (slice.by !== 'gateway') dimensionsMap[DIMENSIONS[slice.by]] = slice.name;
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: METRICS[key].name,
      dimensionsMap,
      statistic: options.statistic,
      label: options.label ?? (slice.by === 'gateway' ? METRICS[key].name : slice.name),
      ...(options.period ? { period: options.period } : {}),
    });
  }

  /**
   * A 0/1-per-event metric's average as a percentage (`100 * Average`): ServerErrors,
   * ClientErrors, CacheHits, ProviderErrors. `id` must be unique within one graph or alarm.
   */
  percent(key: MetricKey, slice: MetricSlice, id: string, options: Omit<MetricOptions, 'statistic'> = {}): cloudwatch.MathExpression {
    const metric = this.metric(key, slice, { ...options, statistic: cloudwatch.Stats.AVERAGE });
    return new cloudwatch.MathExpression({
      expression: `100 * ${id}`,
      usingMetrics: { [id]: metric },
      label: metric.label,
      ...(options.period ? { period: options.period } : {}),
    });
  }
}
