/**
 * `SluiceGateway`: the L3 construct that deploys one compiled Plan (API, Lambda, state, logs,
 * CloudFront), and what watches it (Athena over the logs, dashboard, alarms).
 */
import { RemovalPolicy, Stage, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as athena from 'aws-cdk-lib/aws-athena';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as glue from 'aws-cdk-lib/aws-glue';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Plan } from '../runtime/plan.ts';
import { bundleRuntime } from './bundle.ts';
import { InfraValidationError } from './errors.ts';
import { createAlarms } from './parts/alarms.ts';
import { createGatewayApi } from './parts/api.ts';
import { createDashboard } from './parts/dashboard.ts';
import { createDistribution } from './parts/edge.ts';
import { createGatewayFunction } from './parts/function.ts';
import { createLogAnalytics } from './parts/log-analytics.ts';
import { createRequestLogs } from './parts/request-logs.ts';
import { createStateTable } from './parts/state-table.ts';

/** Props of {@link SluiceGateway}. */
export interface SluiceGatewayProps {
  /** The compiled Plan; the only input that shapes resources. */
  readonly plan: Plan;
  /**
   * Code of the gateway function.
   * @default - the esbuild bundle of `runtime/` with `plan` embedded, written under the app's outdir
   */
  readonly code?: lambda.Code;
  /**
   * CLOUDFRONT-scope web ACL to attach when `plan.edge.waf.enabled`.
   * @default - `plan.edge.waf.webAclArn`; required (e.g. from `SluiceWafStack`) when the Plan enables WAF without one
   */
  readonly webAclArn?: string;
}

/**
 * Deploys a Sluice gateway: CloudFront → regional REST API (streaming) → Lambda, with DynamoDB
 * and Firehose → S3, a Glue table and Athena workgroup over the logs, a dashboard and alarms.
 */
export class SluiceGateway extends Construct {
  /** State table (limits, cache, circuit state). */
  readonly table: dynamodb.TableV2;
  /** The gateway function. */
  readonly function: lambda.Function;
  /** The REST API CloudFront forwards to. */
  readonly api: apigw.RestApi;
  /** The public entry point. */
  readonly distribution: cloudfront.Distribution;
  /** Firehose stream receiving one record per request. */
  readonly deliveryStream: firehose.DeliveryStream;
  /** Bucket the request logs land in. */
  readonly bucket: s3.Bucket;
  /** Secret CloudFront sends in the origin-verify header and the function checks. */
  readonly originSecret: secretsmanager.Secret;
  /** Glue database holding the request log table. */
  readonly logDatabase: glue.CfnDatabase;
  /** Glue table `requests` over the log bucket (partition projection on `dt`). */
  readonly logTable: glue.CfnTable;
  /** Athena workgroup with the saved queries; results go to the log bucket. */
  readonly athenaWorkGroup: athena.CfnWorkGroup;
  /** Saved Athena queries (spend, provider errors, cache hits, latency). */
  readonly logQueries: readonly athena.CfnNamedQuery[];
  /** CloudWatch dashboard laid out from the Plan. */
  readonly dashboard: cloudwatch.Dashboard;
  /** Alarms of `plan.alerts`; empty when alerts are disabled. */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** Topic the alarms publish to (created or imported); undefined when alerts are disabled. */
  readonly alarmTopic: sns.ITopic | undefined;

  /** @param scope parent  @param id construct id  @param props the Plan and optional overrides */
  constructor(scope: Construct, id: string, props: SluiceGatewayProps) {
    super(scope, id);
    const { plan } = props;
    const webAclArn = resolveWebAcl(this, plan, props.webAclArn);
    this.table = createStateTable(this);
    const logs = createRequestLogs(this, plan);
    this.bucket = logs.bucket;
    this.deliveryStream = logs.deliveryStream;
    this.originSecret = createOriginSecret(this);
    this.function = createGatewayFunction(this, plan, {
      code: props.code ?? lambda.Code.fromAsset(bundleRuntime(plan, outdirOf(this))),
      table: this.table,
      deliveryStream: this.deliveryStream,
      originSecret: this.originSecret,
    });
    this.api = createGatewayApi(this, plan, this.function);
    this.distribution = createDistribution(this, plan, { api: this.api, originSecret: this.originSecret, webAclArn });
    const analytics = createLogAnalytics(this, plan, this.bucket);
    this.logDatabase = analytics.database;
    this.logTable = analytics.table;
    this.athenaWorkGroup = analytics.workGroup;
    this.logQueries = analytics.queries;
    const { topic, alarms } = createAlarms(this, plan);
    this.alarmTopic = topic;
    this.alarms = alarms;
    this.dashboard = createDashboard(this, plan, { alarms, workGroupName: analytics.workGroup.ref });
  }
}

/** The web ACL to attach: explicit prop, else the Plan's ARN; refuses a Plan that enables WAF with neither. */
function resolveWebAcl(scope: Construct, plan: Plan, fromProps: string | undefined): string | undefined {
  const { waf } = plan.edge;
  if (!waf.enabled) return undefined;
  const arn = fromProps ?? waf.webAclArn ?? undefined;
  if (!arn) {
    throw new InfraValidationError(
      'infra/waf-acl-missing',
      'edge.waf is enabled without webAclArn; pass webAclArn (SluiceStack creates one in us-east-1 for you).',
      scope,
    );
  }
  return arn;
}

/** A CloudFormation-generated value (no randomness at synth): CloudFront sends it, the function compares it. */
function createOriginSecret(scope: Construct): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, 'OriginVerifySecret', {
    description: 'Sluice: value CloudFront sends in the origin-verify header; the gateway function checks it',
    generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'CloudFront receives this value at deploy time through a dynamic reference, so rotating it outside ' +
      'CloudFormation would break the origin check until the next deploy; it is rotated by replacing the secret ' +
      'in a deploy, and the function refetches the value when a presented header stops matching.',
  });
  return secret;
}

function outdirOf(scope: Construct): string {
  const stage = Stage.of(scope);
  if (!stage) throw new Error('SluiceGateway must be created inside a CDK App (needs an outdir for its bundle).');
  return stage.outdir;
}
