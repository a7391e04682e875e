/**
 * The alarms `plan.alerts` asks for, and the SNS topic they notify (created, with the
 * `notify` subscriptions, or an existing `topicArn`). Each alarm sends to the topic when it
 * fires and when it recovers. Missing data never breaches: a quiet gateway is not an
 * incident, and the 0/1 rate metrics only exist while requests flow.
 * @module
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { Plan, PlanAlerts } from '../../runtime/plan.ts';
import { formatMs } from '../../compiler/duration.ts';
import { gatewayLabel } from '../naming.ts';
import { GatewayMetrics, type MetricSlice, WHOLE } from './metrics.ts';

/** The alarm topic and alarms of a gateway; both empty when `plan.alerts.enabled` is false. */
export interface GatewayAlarms {
  /** Where alarms publish: the created topic, or the imported `topicArn`. */
  readonly topic: sns.ITopic | undefined;
  readonly alarms: readonly cloudwatch.Alarm[];
}

/** One alarm before it is created. */
interface AlarmSpec {
  readonly id: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly description: string;
}

const AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

/** Creates the topic and the alarms; nothing when alerts are disabled. */
export function createAlarms(scope: Construct, plan: Plan): GatewayAlarms {
  const { alerts } = plan;
  if (!alerts.enabled) return { topic: undefined, alarms: [] };
  const topic = alarmTopic(scope, plan);
  const action = new actions.SnsAction(topic);
  const alarms = alarmSpecs(plan).map((spec) => {
    const alarm = new cloudwatch.Alarm(scope, spec.id, {
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Sluice ${gatewayLabel(plan)}: ${spec.description}`,
    });
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  });
  return { topic, alarms };
}

/**
 * The existing topic, or a new one subscribed to `notify`. The new topic refuses publishers
 * without TLS (cdk-nag SNS3). It has no server-side encryption on purpose: CloudWatch cannot
 * publish to a topic under the AWS-managed `aws/sns` key (its key policy cannot grant the
 * service), and alarm messages carry only names, thresholds and metric values, which does
 * not warrant a customer-managed key per gateway.
 */
function alarmTopic(scope: Construct, plan: Plan): sns.ITopic {
  const { alerts } = plan;
  if (alerts.topicArn !== null) return sns.Topic.fromTopicArn(scope, 'AlarmTopic', alerts.topicArn);
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: `Sluice ${gatewayLabel(plan)} alarms`, enforceSSL: true });
  for (const endpoint of alerts.notify) {
    topic.addSubscription(
      endpoint.kind === 'email'
        ? new subscriptions.EmailSubscription(endpoint.address)
        : new subscriptions.UrlSubscription(endpoint.url, { protocol: sns.SubscriptionProtocol.HTTPS }),
    );
  }
  return topic;
}

function percentText(value: number): string {
  return `${value}%`;
}

/** `2 consecutive 5m periods`. */
function window(alerts: PlanAlerts, periods: number): string {
  return periods === 1 ? `one ${formatMs(alerts.periodMs)} period` : `${periods} consecutive ${formatMs(alerts.periodMs)} periods`;
}

/** Every alarm the Plan asks for, in a stable order (construct ids derive from Plan names). */
function alarmSpecs(plan: Plan): AlarmSpec[] {
  const { alerts } = plan;
  const metrics = new GatewayMetrics(plan);
  const period = Duration.millis(alerts.periodMs);
  const n = alerts.evaluationPeriods;
  const specs: AlarmSpec[] = [];
  const rate = (id: string, slice: MetricSlice, metric: 'serverErrors' | 'providerErrors', threshold: number, what: string): void => {
    specs.push({
      id,
      metric: metrics.percent(metric, slice, 'rate', { period }),
      threshold,
      comparison: AT_LEAST,
      evaluationPeriods: n,
      description: `${what} reached ${percentText(threshold)} for ${window(alerts, n)}.`,
    });
  };
  if (alerts.serverErrorPercent !== null) {
    rate('ServerErrorRateAlarm', WHOLE, 'serverErrors', alerts.serverErrorPercent, 'the share of requests answered 5xx');
  }
  if (alerts.p99LatencyMs !== null) {
    specs.push({
      id: 'LatencyP99Alarm',
      metric: metrics.metric('latency', WHOLE, { statistic: cloudwatch.Stats.p(99), period }),
      threshold: alerts.p99LatencyMs,
      comparison: AT_LEAST,
      evaluationPeriods: n,
      description: `p99 request latency reached ${formatMs(alerts.p99LatencyMs)} for ${window(alerts, n)}.`,
    });
  }
  if (alerts.providerErrorPercent !== null) {
    for (const provider of Object.keys(plan.providers).sort()) {
      const slice = { by: 'provider', name: provider } as const;
      rate(`ProviderErrorRateAlarm-${provider}`, slice, 'providerErrors', alerts.providerErrorPercent, `the share of failed attempts at provider ${provider}`);
    }
  }
  if (alerts.budgetUsedPercent !== null) {
    for (const limit of plan.limits.filter((l) => l.kind === 'budget_usd')) {
      specs.push({
        id: `BudgetUsedAlarm-${limit.id}`,
        metric: metrics.metric('budgetUsed', { by: 'limit', name: limit.id }, { statistic: cloudwatch.Stats.MAXIMUM, period }),
        threshold: alerts.budgetUsedPercent,
        comparison: AT_LEAST,
        // Spend in a window only grows: the first period over the line is the news.
        evaluationPeriods: 1,
        description: `budget ${limit.id} is ${percentText(alerts.budgetUsedPercent)} used or more; requests are refused when it runs out.`,
      });
    }
  }
  if (alerts.droppedLogRecords) {
    specs.push({
      id: 'LogRecordsDroppedAlarm',
      metric: metrics.metric('logRecordsDropped', WHOLE, { statistic: cloudwatch.Stats.SUM, period }),
      threshold: 0,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      description: `(warning) request records were dropped by the log stream in ${window(alerts, 1)}; requests were served, their records are missing from S3 and Athena.`,
    });
  }
  return specs;
}
