/**
 * Log analytics, metrics and alerting in the synthesized stack: the Glue table over what
 * Firehose writes, the saved Athena queries, the CloudWatch dashboard and the alarms with
 * their SNS topic, all from the Plan.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMESPACE, METRICS } from '../../runtime/log/metric-names.ts';
import type { Plan } from '../../runtime/plan.ts';
import { examplePlan } from '../support/compile.ts';
import { testPlan } from '../support/plan.ts';
import { resourcesOf, synthPlan } from '../support/synth.ts';

type Props = Record<string, unknown>;
const only = (template: Template, type: string): Props => {
  const all = Object.values(resourcesOf(template, type));
  expect(all, type).toHaveLength(1);
  return all[0]!.Properties;
};

let template: Template;
let plan: Plan;
beforeAll(() => {
  plan = testPlan();
  template = synthPlan(plan).template;
});

describe('the Glue table over the request logs', () => {
  it('reads the GZIP JSON lines Firehose writes, at the same date-partitioned prefix', () => {
    const db = only(template, 'AWS::Glue::Database');
    expect((db.DatabaseInput as Props).Name).toMatch(/^sluice_acme_prod/);
    const input = only(template, 'AWS::Glue::Table').TableInput as Props;
    const params = input.Parameters as Record<string, unknown>;
    expect(params).toMatchObject({ 'projection.enabled': 'true', 'projection.dt.type': 'date', 'projection.dt.format': 'yyyy-MM-dd', compressionType: 'gzip' });
    // Partitions are projected over exactly the retention the bucket keeps.
    expect(params['projection.dt.range']).toBe(`NOW-${plan.logging.retentionDays}DAYS,NOW`);
    expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
    const sd = input.StorageDescriptor as Props;
    expect((sd.SerdeInfo as Props).SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    // The table's location template is where Firehose puts records: logs/dt=<yyyy-MM-dd>/.
    const firehose = only(template, 'AWS::KinesisFirehose::DeliveryStream');
    const prefix = (firehose.ExtendedS3DestinationConfiguration as Props).Prefix;
    expect(prefix).toBe('logs/dt=!{timestamp:yyyy-MM-dd}/');
    expect(JSON.stringify(params['storage.location.template'])).toContain('/logs/dt=${dt}/');
    expect(((firehose.ExtendedS3DestinationConfiguration as Props).CompressionFormat)).toBe('GZIP');
  });

  it('has a column for every field of the record, with nested attempts and usage', () => {
    const sd = (only(template, 'AWS::Glue::Table').TableInput as Props).StorageDescriptor as Props;
    const columns = Object.fromEntries((sd.Columns as { Name: string; Type: string }[]).map((c) => [c.Name, c.Type]));
    for (const name of ['v', 'time', 'requestid', 'planhash', 'route', 'consumer', 'clientip', 'country', 'requestedmodel', 'status', 'cache', 'limits', 'costusd', 'latencyms', 'ttfbms', 'stream', 'metadata', 'provider', 'model']) {
      expect(columns, name).toHaveProperty(name);
    }
    expect(columns.attempts).toMatch(/^array<struct<.*provider:string.*errorclass:string.*latencyms:/);
    expect(columns.usage).toMatch(/^struct<.*prompttokens:.*completiontokens:/);
  });
});

describe('the saved Athena queries', () => {
  const queries = () => Object.values(resourcesOf(template, 'AWS::Athena::NamedQuery')).map((r) => r.Properties as { Name: string; QueryString: string; WorkGroup: unknown; Database: unknown });

  it('are the four the issue asks for, in the gateway’s workgroup and database', () => {
    expect(queries().map((q) => q.Name).sort()).toEqual([
      'Sluice acme (prod): cache hit rate by route',
      'Sluice acme (prod): error rate by provider',
      'Sluice acme (prod): p95 latency by model',
      'Sluice acme (prod): spend by consumer',
    ]);
    const wg = only(template, 'AWS::Athena::WorkGroup');
    expect((wg.WorkGroupConfiguration as Props).EnforceWorkGroupConfiguration).toBe(true);
    for (const q of queries()) {
      expect(q.WorkGroup).toEqual({ Ref: expect.stringMatching(/^GatewayAthenaWorkGroup/) });
      expect(q.Database).toEqual({ Ref: expect.stringMatching(/^GatewayLogDatabase/) });
    }
  });

  it('read only columns the table has, over recent partitions only', () => {
    const sd = (only(template, 'AWS::Glue::Table').TableInput as Props).StorageDescriptor as Props;
    const columns = new Set((sd.Columns as { Name: string }[]).map((c) => c.Name));
    const used: Record<string, string[]> = {
      'spend by consumer': ['consumer', 'costusd', 'usage'],
      'error rate by provider': ['attempts'],
      'cache hit rate by route': ['route', 'cache'],
      'p95 latency by model': ['provider', 'model', 'latencyms', 'ttfbms', 'cache'],
    };
    for (const q of queries()) {
      const purpose = q.Name.split(': ')[1]!;
      for (const column of used[purpose]!) {
        expect(columns.has(column), `${purpose}: ${column}`).toBe(true);
        expect(q.QueryString).toMatch(new RegExp(`\\b${column}\\b`));
      }
      expect(q.QueryString).toMatch(/FROM requests\b/);
      expect(q.QueryString).toMatch(/\bdt >= /);
    }
  });
});

describe('the CloudWatch dashboard', () => {
  it('graphs requests, errors, latency, tokens, cost and cache hits from the Sluice namespace', () => {
    const body = JSON.stringify(only(template, 'AWS::CloudWatch::Dashboard').DashboardBody);
    expect(body).toContain(`\\"${METRIC_NAMESPACE}\\"`);
    for (const m of [METRICS.requests, METRICS.serverErrors, METRICS.latency, METRICS.inputTokens, METRICS.outputTokens, METRICS.costUsd, METRICS.cacheHits, METRICS.providerErrors]) {
      expect(body, m.name).toContain(`\\"${m.name}\\"`);
    }
    // One series per route and per provider of the Plan.
    for (const route of Object.keys(plan.routes)) expect(body, route).toContain(`\\"${route}\\"`);
    for (const provider of Object.keys(plan.providers)) expect(body, provider).toContain(`\\"${provider}\\"`);
  });
});

describe('alarms and their SNS topic', () => {
  type Stat = { Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: string }[] }; Stat: string; Period: number };
  type Alarm = { Metrics: { Id: string; Expression?: string; MetricStat?: Stat }[]; Threshold: number; AlarmActions: unknown[]; OKActions: unknown[]; EvaluationPeriods: number };
  const alarms = (t: Template) => Object.entries(resourcesOf(t, 'AWS::CloudWatch::Alarm')).map(([id, r]) => ({ id, ...(r.Properties as Alarm) }));
  /** The one metric an alarm reads (directly or inside a percent expression). */
  const statOf = (a: Alarm): Stat => a.Metrics.find((m) => m.MetricStat)!.MetricStat!;

  it('alarm on the 5xx rate, p99 latency and each provider’s error rate, notifying the topic', () => {
    const all = alarms(template);
    const byId = (prefix: string) => all.filter((a) => a.id.startsWith(`Gateway${prefix}`));
    expect(byId('ServerErrorRateAlarm')).toHaveLength(1);
    const server = byId('ServerErrorRateAlarm')[0]!;
    expect(server.Threshold).toBe(plan.alerts.serverErrorPercent);
    expect(statOf(server)).toMatchObject({ Metric: { MetricName: METRICS.serverErrors.name, Namespace: METRIC_NAMESPACE }, Stat: 'Average', Period: plan.alerts.periodMs / 1000 });
    expect(server.Metrics.find((m) => m.Expression)?.Expression).toBe('100 * rate');
    const latency = byId('LatencyP99Alarm')[0]!;
    expect(latency.Threshold).toBe(plan.alerts.p99LatencyMs);
    expect(statOf(latency)).toMatchObject({ Metric: { MetricName: METRICS.latency.name }, Stat: 'p99' });
    const providers = byId('ProviderErrorRateAlarm');
    expect(providers.map((a) => statOf(a).Metric.Dimensions.find((d) => d.Name === 'Provider')?.Value).sort()).toEqual(Object.keys(plan.providers).sort());
    for (const a of providers) expect([a.Threshold, statOf(a).Metric.MetricName]).toEqual([plan.alerts.providerErrorPercent, METRICS.providerErrors.name]);
    const topic = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'));
    expect(topic).toHaveLength(1);
    for (const a of all) {
      expect(a.AlarmActions, a.id).toEqual([{ Ref: topic[0] }]);
      expect(a.OKActions, a.id).toEqual([{ Ref: topic[0] }]);
      expect(a.EvaluationPeriods).toBeGreaterThanOrEqual(1);
    }
    expect(only(template, 'AWS::SNS::Subscription')).toMatchObject({ Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('alarm when a budget is nearly used, one per budget limit', () => {
    const multi = examplePlan('multi-provider', 'prod');
    const t = synthPlan(multi).template;
    const budgets = multi.limits.filter((l) => l.kind === 'budget_usd');
    expect(budgets.length).toBeGreaterThan(0);
    const budgetAlarms = alarms(t).filter((a) => statOf(a).Metric.MetricName === METRICS.budgetUsed.name);
    expect(budgetAlarms.map((a) => statOf(a).Metric.Dimensions.find((d) => d.Name === 'Limit')?.Value).sort()).toEqual(budgets.map((b) => b.id).sort());
    for (const a of budgetAlarms) expect([a.Threshold, statOf(a).Stat]).toEqual([multi.alerts.budgetUsedPercent, 'Maximum']);
  });

  it('publish to an existing topic instead of creating one, and vanish when alerts are off', () => {
    const arn = 'arn:aws:sns:eu-west-1:111122223333:oncall';
    const existing = synthPlan({ ...plan, alerts: { ...plan.alerts, topicArn: arn, notify: [] } }).template;
    expect(Object.keys(resourcesOf(existing, 'AWS::SNS::Topic'))).toEqual([]);
    for (const a of alarms(existing)) expect(a.AlarmActions).toEqual([arn]);
    const off = synthPlan({ ...plan, alerts: { ...plan.alerts, enabled: false } }).template;
    expect(alarms(off)).toEqual([]);
    expect(Object.keys(resourcesOf(off, 'AWS::SNS::Topic'))).toEqual([]);
    // The dashboard and the log analytics do not depend on alerts.
    expect(Object.keys(resourcesOf(off, 'AWS::CloudWatch::Dashboard'))).toHaveLength(1);
    expect(Object.keys(resourcesOf(off, 'AWS::Athena::NamedQuery'))).toHaveLength(4);
  });
});
