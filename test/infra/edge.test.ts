/** Plan-driven CloudFront variants: custom domain with Route 53 alias, geo restriction, price class, region-bound ARNs. */
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { SluiceGateway } from '../../infra/gateway.ts';
import type { Plan } from '../../runtime/plan.ts';
import { testPlan } from '../support/plan.ts';
import { resourcesOf, type Synthesized, synthPlan, tempOutdir } from '../support/synth.ts';

const domain = {
  name: 'ai.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  hostedZoneName: 'example.com',
};

describe('custom domain, geo allow list, price class all, concrete region', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthPlan(
      testPlan({
        gateway: { region: 'eu-west-1', account: '111122223333' },
        edge: { domain, geo: { mode: 'allow', countries: ['DE', 'FR'] }, priceClass: 'all', originReadTimeoutMs: 120_000 },
      }),
    );
  });

  it('serves the domain with its ACM certificate and TLS 1.2 (2021) as minimum', () => {
    synth.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['ai.example.com'],
        ViewerCertificate: { AcmCertificateArn: domain.certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
        PriceClass: 'PriceClass_All',
        Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] } },
        Origins: [Match.objectLike({ CustomOriginConfig: Match.objectLike({ OriginReadTimeout: 120 }) })],
      }),
    });
  });

  it('creates A and AAAA alias records in the given zone (from attributes, no lookup)', () => {
    const records = Object.values(resourcesOf(synth.template, 'AWS::Route53::RecordSet'));
    expect(records.map((r) => r.Properties.Type).sort()).toEqual(['A', 'AAAA']);
    for (const record of records) {
      expect(record.Properties).toMatchObject({
        Name: 'ai.example.com.',
        HostedZoneId: domain.hostedZoneId,
        AliasTarget: { DNSName: { 'Fn::GetAtt': [expect.stringMatching(/^GatewayDistribution/), 'DomainName'] } },
      });
    }
  });

  it('outputs the custom domain as the gateway URL', () => {
    expect(synth.template.findOutputs('GatewayUrl').GatewayUrl?.Value).toBe('https://ai.example.com');
  });

  it('renders Bedrock and secret ARNs with the literal partition, region and account', () => {
    const text = JSON.stringify(synth.template.findResources('AWS::IAM::Role'));
    expect(text).toContain('"arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"');
    expect(text).toContain('"arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0"');
    expect(text).toContain('"arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"');
    expect(text).toContain('"arn:aws:secretsmanager:eu-west-1:111122223333:secret:sluice/openai-??????"');
  });
});

describe('geo deny list and a domain without hosted zone', () => {
  it('blacklists the countries and creates no DNS records', () => {
    const { template } = synthPlan(
      testPlan({ edge: { domain: { ...domain, hostedZoneId: null, hostedZoneName: null }, geo: { mode: 'deny', countries: ['KP'] } } }),
    );
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Restrictions: { GeoRestriction: { RestrictionType: 'blacklist', Locations: ['KP'] } },
      }),
    });
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});

describe('Plans infra refuses', () => {
  const build = (plan: Plan): void => {
    const stack = new Stack(new App({ outdir: tempOutdir() }), 'S');
    new SluiceGateway(stack, 'Gateway', { plan, code: lambda.Code.fromInline('export const handler = 1;') });
  };

  it.each([
    ['a hosted zone id without its name', testPlan({ edge: { domain: { ...domain, hostedZoneName: null } } }), /infra\/hosted-zone-incomplete/],
    [
      'a log retention CloudWatch does not accept',
      testPlan({ gateway: { runtime: { ...testPlan().gateway.runtime, logRetentionDays: 13 } } }),
      /infra\/log-retention-invalid: gateway\.runtime\.logRetentionDays is 13/,
    ],
    ['an origin read timeout in fractions of a second', testPlan({ edge: { originReadTimeoutMs: 1500 } }), /infra\/origin-read-timeout-invalid/],
    [
      'WAF enabled without an ACL (the construct alone cannot create one)',
      testPlan({ edge: { waf: { enabled: true, webAclArn: null, rateLimit: 2000, managedRules: true } } }),
      /infra\/waf-acl-missing/,
    ],
  ])('%s', (_name, plan, error) => {
    expect(() => build(plan)).toThrow(error);
  });
});
