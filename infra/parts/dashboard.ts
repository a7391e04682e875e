/**
 * The gateway's CloudWatch dashboard, laid out from the Plan: the whole gateway first
 * (traffic, errors, latency, tokens, cost, cache), then one line per route, per provider and
 * per budget limit in the Plan, then log delivery and the alarms. Rates are the averages of
 * the runtime's 0/1 metrics, shown in percent.
 * @module
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../../runtime/log/metric-names.ts';
import type { Plan } from '../../runtime/plan.ts';
import { gatewayLabel } from '../naming.ts';
import { GatewayMetrics, type MetricKey, type MetricSlice, WHOLE } from './metrics.ts';

const WIDTH = 8;
const HEIGHT = 6;
const { SUM, MAXIMUM } = cloudwatch.Stats;
const percentAxis: cloudwatch.YAxisProps = { min: 0, max: 100, label: '%', showUnits: false };
const msAxis: cloudwatch.YAxisProps = { min: 0, label: 'ms', showUnits: false };

/** Extra Provider dimension value the runtime uses for answers served from the cache. */
const CACHE_PROVIDER = 'cache';

/** What the dashboard shows besides metrics. */
export interface DashboardExtras {
  /** Alarms for the status widget; none: no widget. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** Athena workgroup named in the header, where the saved queries are. */
  readonly workGroupName: string;
}

/** Creates the dashboard (name chosen by CloudFormation; the stack outputs it). */
export function createDashboard(scope: Construct, plan: Plan, extras: DashboardExtras): cloudwatch.Dashboard {
  const m = new GatewayMetrics(plan);
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { defaultInterval: Duration.hours(6) });
  dashboard.addWidgets(header(plan, extras.workGroupName));
  dashboard.addWidgets(...overallWidgets(m));
  dashboard.addWidgets(...routeWidgets(m, Object.keys(plan.routes).sort()));
  dashboard.addWidgets(...providerWidgets(m, Object.keys(plan.providers).sort()));
  dashboard.addWidgets(...budgetAndDeliveryWidgets(m, plan, extras.alarms));
  return dashboard;
}

function header(plan: Plan, workGroup: string): cloudwatch.TextWidget {
  return new cloudwatch.TextWidget({
    markdown: [
      `# Sluice ${gatewayLabel(plan)}`,
      `Metrics of namespace \`${METRIC_NAMESPACE}\`, Gateway \`${new GatewayMetrics(plan).gateway}\`. ` +
        `Per-request records: Athena workgroup \`${workGroup}\` (saved queries: spend by consumer, errors by provider, cache by route, latency by model).`,
    ].join('\n\n'),
    width: 24,
    height: 2,
  });
}

function graph(title: string, left: cloudwatch.IMetric[], leftYAxis?: cloudwatch.YAxisProps): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: WIDTH, height: HEIGHT, ...(leftYAxis ? { leftYAxis } : {}) });
}

/** One percent series per slice, with ids unique in the graph (`r0`, `r1`, …). */
function percents(m: GatewayMetrics, key: MetricKey, slices: readonly MetricSlice[], prefix: string): cloudwatch.MathExpression[] {
  return slices.map((slice, i) => m.percent(key, slice, `${prefix}${i}`));
}

function overallWidgets(m: GatewayMetrics): cloudwatch.IWidget[] {
  return [
    graph('Requests', [m.metric('requests', WHOLE, { statistic: SUM })]),
    graph('Error rate (5xx, 4xx)', [m.percent('serverErrors', WHOLE, 'e5', { label: '5xx' }), m.percent('clientErrors', WHOLE, 'e4', { label: '4xx' })], percentAxis),
    graph(
      'Latency and time to first byte',
      [
        ...(['p50', 'p95', 'p99'] as const).map((p) => m.metric('latency', WHOLE, { statistic: p, label: `latency ${p}` })),
        ...(['p50', 'p95'] as const).map((p) => m.metric('ttfb', WHOLE, { statistic: p, label: `TTFB ${p}` })),
      ],
      msAxis,
    ),
    graph('Tokens', [m.metric('inputTokens', WHOLE, { statistic: SUM, label: 'input' }), m.metric('outputTokens', WHOLE, { statistic: SUM, label: 'output' })]),
    graph('Cost (USD)', [m.metric('costUsd', WHOLE, { statistic: SUM, label: 'USD' })]),
    graph('Cache hit rate', [m.percent('cacheHits', WHOLE, 'hit', { label: 'hit rate' })], percentAxis),
  ];
}

function routeWidgets(m: GatewayMetrics, routes: readonly string[]): cloudwatch.IWidget[] {
  const slices = routes.map((name): MetricSlice => ({ by: 'route', name }));
  return [
    new cloudwatch.TextWidget({ markdown: '## Routes', width: 24, height: 1 }),
    graph('Requests by route', slices.map((s) => m.metric('requests', s, { statistic: SUM }))),
    graph('5xx rate by route', percents(m, 'serverErrors', slices, 'r'), percentAxis),
    graph('p95 latency by route', slices.map((s) => m.metric('latency', s, { statistic: 'p95' })), msAxis),
    graph('Cost by route (USD)', slices.map((s) => m.metric('costUsd', s, { statistic: SUM }))),
    graph('Cache hit rate by route', percents(m, 'cacheHits', slices, 'c'), percentAxis),
    graph('Output tokens by route', slices.map((s) => m.metric('outputTokens', s, { statistic: SUM }))),
  ];
}

function providerWidgets(m: GatewayMetrics, providers: readonly string[]): cloudwatch.IWidget[] {
  const slices = providers.map((name): MetricSlice => ({ by: 'provider', name }));
  const answered = [...slices, { by: 'provider', name: CACHE_PROVIDER } as const];
  return [
    new cloudwatch.TextWidget({ markdown: '## Providers', width: 24, height: 1 }),
    graph('Requests answered by provider (and cache)', answered.map((s) => m.metric('requests', s, { statistic: SUM }))),
    graph('Provider error rate (per attempt)', percents(m, 'providerErrors', slices, 'p'), percentAxis),
    graph('Provider attempt latency p95', slices.map((s) => m.metric('providerLatency', s, { statistic: 'p95' })), msAxis),
    graph('Provider attempts', slices.map((s) => m.metric('providerCalls', s, { statistic: SUM }))),
    graph('Cost by provider (USD)', slices.map((s) => m.metric('costUsd', s, { statistic: SUM }))),
    graph('Input tokens by provider', slices.map((s) => m.metric('inputTokens', s, { statistic: SUM }))),
  ];
}

function budgetAndDeliveryWidgets(m: GatewayMetrics, plan: Plan, alarms: readonly cloudwatch.IAlarm[]): cloudwatch.IWidget[] {
  const budgets = plan.limits.filter((l) => l.kind === 'budget_usd').map((l) => l.id);
  const widgets: cloudwatch.IWidget[] = [new cloudwatch.TextWidget({ markdown: '## Budgets, log delivery, alarms', width: 24, height: 1 })];
  if (budgets.length > 0) {
    widgets.push(graph('Budget used (%)', budgets.map((name) => m.metric('budgetUsed', { by: 'limit', name }, { statistic: MAXIMUM })), percentAxis));
  }
  widgets.push(graph('Log records dropped', [m.metric('logRecordsDropped', WHOLE, { statistic: SUM, label: 'dropped' })]));
  if (alarms.length > 0) {
    widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: WIDTH, height: HEIGHT }));
  }
  return widgets;
}
