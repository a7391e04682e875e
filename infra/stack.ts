/** `SluiceStack` (one gateway per stack) and the wiring that adds the us-east-1 WAF stack when the Plan needs it. */
import { Aws, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { Plan } from '../runtime/plan.ts';
import { InfraValidationError } from './errors.ts';
import { SluiceGateway } from './gateway.ts';
import { gatewayLabel, gatewayStackName, wafStackName } from './naming.ts';
import { SluiceWafStack } from './waf.ts';

/** Props of {@link SluiceStack}. */
export interface SluiceStackProps extends StackProps {
  /** The compiled Plan. */
  readonly plan: Plan;
  /**
   * Gateway function code.
   * @default - the runtime bundle with the Plan embedded
   */
  readonly code?: lambda.Code;
  /**
   * Web ACL to attach (e.g. `SluiceWafStack.webAcl.attrArn`).
   * @default - `plan.edge.waf.webAclArn`
   */
  readonly webAclArn?: string;
}

/** A stack holding one {@link SluiceGateway}, with its URLs and where to watch and query it as outputs. */
export class SluiceStack extends Stack {
  /** The gateway. */
  readonly gateway: SluiceGateway;

  /** @param scope the app  @param id stack id  @param props Plan and overrides */
  constructor(scope: Construct, id: string, props: SluiceStackProps) {
    super(scope, id, props);
    const { plan } = props;
    this.gateway = new SluiceGateway(this, 'Gateway', { plan, code: props.code, webAclArn: props.webAclArn });
    const host = plan.edge.domain?.name ?? this.gateway.distribution.distributionDomainName;
    new CfnOutput(this, 'GatewayUrl', { value: `https://${host}`, description: 'Base URL clients call' });
    new CfnOutput(this, 'ApiUrl', { value: this.gateway.api.url, description: 'API Gateway stage URL (refuses calls that bypass CloudFront)' });
    new CfnOutput(this, 'StateTableName', { value: this.gateway.table.tableName, description: 'State table (limits, cache): sluice cache purge --table <this>' });
    addObservabilityOutputs(this, this.gateway);
    Tags.of(this).add('sluice:gateway', plan.gateway.name);
    Tags.of(this).add('sluice:stage', plan.gateway.stage);
  }
}

/** Dashboard, alarm topic, Athena workgroup and Glue database: where to look once the gateway runs. */
function addObservabilityOutputs(stack: Stack, gateway: SluiceGateway): void {
  const name = gateway.dashboard.dashboardName;
  new CfnOutput(stack, 'DashboardName', { value: name, description: 'CloudWatch dashboard of the gateway' });
  new CfnOutput(stack, 'DashboardUrl', {
    value: `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${name}`,
    description: 'CloudWatch dashboard in the console',
  });
  if (gateway.alarmTopic) {
    new CfnOutput(stack, 'AlarmTopicArn', { value: gateway.alarmTopic.topicArn, description: 'SNS topic the alarms publish to' });
  }
  new CfnOutput(stack, 'AthenaWorkGroup', { value: gateway.athenaWorkGroup.ref, description: 'Athena workgroup with the saved log queries' });
  new CfnOutput(stack, 'LogDatabase', { value: gateway.logDatabase.ref, description: 'Glue database of the request log table "requests"' });
}

/** Options of {@link addSluiceStacks}. */
export interface AddSluiceStacksOptions {
  /**
   * Gateway function code.
   * @default - the runtime bundle with the Plan embedded
   */
  readonly code?: lambda.Code;
}

/** The stacks one Plan deploys as. */
export interface SluiceStacks {
  readonly gateway: SluiceStack;
  /** Present when the Plan enables WAF without naming a web ACL. */
  readonly waf?: SluiceWafStack;
}

/**
 * Adds `Sluice-<name>-<stage>` to `scope`, plus `Sluice-<name>-<stage>-waf` in us-east-1 when the Plan enables
 * WAF without `webAclArn` (referenced across regions, which needs `plan.gateway.region`).
 */
export function addSluiceStacks(scope: Construct, plan: Plan, options: AddSluiceStacksOptions = {}): SluiceStacks {
  const env = {
    account: plan.gateway.account ?? undefined,
    region: plan.gateway.region ?? undefined,
  };
  const description = `Sluice gateway ${gatewayLabel(plan)}, plan ${plan.hash}`;
  const { waf: wafPlan } = plan.edge;
  if (!wafPlan.enabled || wafPlan.webAclArn !== null) {
    return { gateway: new SluiceStack(scope, gatewayStackName(plan), { plan, env, description, code: options.code }) };
  }
  if (plan.gateway.region === null) {
    throw new InfraValidationError(
      'infra/waf-needs-region',
      'edge.waf creates a web ACL in us-east-1 that the gateway stack references across regions; ' +
        'set gateway.region (or the stage region), or give edge.waf.webAclArn.',
      scope,
    );
  }
  const waf = new SluiceWafStack(scope, wafStackName(plan), {
    plan,
    env: { account: env.account },
    description: `Sluice gateway ${gatewayLabel(plan)} web ACL`,
    crossRegionReferences: true,
  });
  const gateway = new SluiceStack(scope, gatewayStackName(plan), {
    plan,
    env,
    description,
    code: options.code,
    webAclArn: waf.webAcl.attrArn,
    crossRegionReferences: true,
  });
  gateway.addStackDependency(waf, `the distribution attaches the web ACL`);
  return { gateway, waf };
}
