/** The us-east-1 stack with a CLOUDFRONT-scope web ACL, for Plans that enable WAF without naming an ACL. */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { Plan } from '../runtime/plan.ts';

/** Region every CLOUDFRONT-scope web ACL lives in. */
export const WAF_REGION = 'us-east-1';

/** Props of {@link SluiceWafStack}; its `env.region` is forced to us-east-1. */
export interface SluiceWafStackProps extends StackProps {
  /** The Plan whose `edge.waf` (rate limit, managed rules) shapes the ACL. */
  readonly plan: Plan;
}

/** Holds the web ACL CloudFront attaches; referenced from the gateway stack through `crossRegionReferences`. */
export class SluiceWafStack extends Stack {
  /** The web ACL. */
  readonly webAcl: wafv2.CfnWebACL;

  /** @param scope the app  @param id stack id  @param props the Plan */
  constructor(scope: Construct, id: string, props: SluiceWafStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: WAF_REGION } });
    const { plan } = props;
    const metric = `sluice-${plan.gateway.name}-${plan.gateway.stage}`;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      // WAF descriptions allow no parentheses.
      description: `Sluice gateway ${plan.gateway.name}, stage ${plan.gateway.stage}`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(metric),
      rules: webAclRules(plan, metric),
    });
  }
}

/** Rules: AWS common rule set (body-size rule counted only), known bad inputs, and a per-IP rate limit. */
export function webAclRules(plan: Plan, metric: string): wafv2.CfnWebACL.RuleProperty[] {
  const { waf } = plan.edge;
  const managed = waf.managedRules
    ? [
        managedRule('AWSManagedRulesCommonRuleSet', metric, [
          // The rule blocks bodies over 8 KB; chat prompts routinely exceed that.
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
        ]),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', metric, []),
      ]
    : [];
  const rateLimit: wafv2.CfnWebACL.RuleProperty = {
    name: 'RateLimitPerIp',
    priority: 0,
    action: { block: {} },
    statement: {
      rateBasedStatement: { limit: waf.rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
    },
    visibilityConfig: visibility(`${metric}-rate`),
  };
  return [rateLimit, ...managed].map((rule, priority) => ({ ...rule, priority }));
}

function managedRule(
  name: string,
  metric: string,
  ruleActionOverrides: wafv2.CfnWebACL.RuleActionOverrideProperty[],
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority: 0,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(ruleActionOverrides.length > 0 && { ruleActionOverrides }),
      },
    },
    visibilityConfig: visibility(`${metric}-${name}`),
  };
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}
