/** WAF variants: an existing ACL attached by ARN, or one created in a us-east-1 stack and referenced across regions. */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSluiceStacks } from '../../infra/stack.ts';
import { createSluiceApp } from '../../infra/synthesize.ts';
import type { PlanEdge } from '../../runtime/plan.ts';
import { testPlan } from '../support/plan.ts';
import { resourcesOf, type Synthesized, synthPlan, tempOutdir } from '../support/synth.ts';

const ACL_ARN = 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/team-acl/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const waf = (patch: Partial<PlanEdge['waf']>): PlanEdge['waf'] => ({
  enabled: true,
  webAclArn: null,
  rateLimit: 1000,
  managedRules: true,
  ...patch,
});

describe('WAF with an existing web ACL', () => {
  it('attaches the ACL to the distribution and adds no stack', () => {
    const synth = synthPlan(testPlan({ edge: { waf: waf({ webAclArn: ACL_ARN }) } }));
    expect(synth.waf).toBeUndefined();
    synth.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: ACL_ARN }),
    });
  });
});

describe('WAF created by Sluice', () => {
  let synth: Synthesized;
  let wafTemplate: Template;
  beforeAll(() => {
    synth = synthPlan(testPlan({ gateway: { region: 'eu-west-1', account: null }, edge: { waf: waf({}) } }));
    if (!synth.waf) throw new Error('expected a WAF stack');
    wafTemplate = Template.fromStack(synth.waf);
  });

  it('lives in its own us-east-1 stack that deploys first', () => {
    expect(synth.waf?.stackName).toBe('Sluice-acme-prod-waf');
    expect(synth.waf?.region).toBe('us-east-1');
    expect(synth.gateway.region).toBe('eu-west-1');
    expect(synth.gateway.dependencies).toContain(synth.waf);
  });

  it('is a CLOUDFRONT-scope ACL: per-IP rate limit, common rules with the body-size rule counted, known bad inputs', () => {
    wafTemplate.resourceCountIs('AWS::WAFv2::WebACL', 1);
    const acl = Object.values(resourcesOf(wafTemplate, 'AWS::WAFv2::WebACL'))[0];
    expect(acl?.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(acl?.Properties.Rules).toEqual([
      expect.objectContaining({
        Name: 'RateLimitPerIp',
        Priority: 0,
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
      }),
      expect.objectContaining({
        Name: 'AWSManagedRulesCommonRuleSet',
        Priority: 1,
        OverrideAction: { None: {} },
        Statement: {
          ManagedRuleGroupStatement: {
            VendorName: 'AWS',
            Name: 'AWSManagedRulesCommonRuleSet',
            RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
          },
        },
      }),
      expect.objectContaining({
        Name: 'AWSManagedRulesKnownBadInputsRuleSet',
        Priority: 2,
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
      }),
    ]);
  });

  it('is referenced from the gateway region by the distribution (cross-region stack output)', () => {
    const dist = Object.values(resourcesOf(synth.template, 'AWS::CloudFront::Distribution'))[0];
    const webAclId = (dist?.Properties.DistributionConfig as { WebACLId: unknown }).WebACLId;
    expect(webAclId).toEqual({
      'Fn::GetStackOutput': { StackName: 'Sluice-acme-prod-waf', Region: 'us-east-1', OutputName: expect.any(String) },
    });
    const { OutputName } = (webAclId as { 'Fn::GetStackOutput': { OutputName: string } })['Fn::GetStackOutput'];
    expect(wafTemplate.findOutputs(OutputName)[OutputName]?.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^WebAcl/), 'Arn'],
    });
  });

  it('keeps only the rate rule when managed rules are off', () => {
    const other = synthPlan(testPlan({ gateway: { region: 'eu-west-1' }, edge: { waf: waf({ managedRules: false, rateLimit: 50 }) } }));
    if (!other.waf) throw new Error('expected a WAF stack');
    const acl = Object.values(resourcesOf(Template.fromStack(other.waf), 'AWS::WAFv2::WebACL'))[0];
    expect((acl?.Properties.Rules as { Name: string }[]).map((r) => r.Name)).toEqual(['RateLimitPerIp']);
  });

  it('needs gateway.region, with a clear error', () => {
    const plan = testPlan({ edge: { waf: waf({}) } });
    expect(() => addSluiceStacks(createSluiceApp(tempOutdir()), plan)).toThrow(/infra\/waf-needs-region: .*set gateway\.region/);
  });
});
