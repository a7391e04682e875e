/** CloudFront in front of the API: HTTPS only, no caching, viewer headers forwarded, origin-verify header added. */
import { Duration, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../runtime/lambda/config.ts';
import { gatewayLabel } from '../naming.ts';
import type { Plan, PlanEdge } from '../../runtime/plan.ts';
import { InfraValidationError } from '../errors.ts';

const PRICE_CLASSES: Readonly<Record<PlanEdge['priceClass'], cloudfront.PriceClass>> = {
  '100': cloudfront.PriceClass.PRICE_CLASS_100,
  '200': cloudfront.PriceClass.PRICE_CLASS_200,
  all: cloudfront.PriceClass.PRICE_CLASS_ALL,
};

/** What the distribution fronts and protects itself with. */
export interface EdgeDeps {
  readonly api: apigw.RestApi;
  readonly originSecret: secretsmanager.Secret;
  /** CLOUDFRONT-scope web ACL to attach, if any. */
  readonly webAclArn: string | undefined;
}

/** Creates the distribution and, when the Plan names a hosted zone, its A/AAAA alias records. */
export function createDistribution(scope: Construct, plan: Plan, deps: EdgeDeps): cloudfront.Distribution {
  const { edge } = plan;
  const domain = edge.domain;
  const distribution = new cloudfront.Distribution(scope, 'Distribution', {
    comment: `Sluice gateway ${gatewayLabel(plan)}`,
    defaultBehavior: {
      origin: new origins.RestApiOrigin(deps.api, {
        readTimeout: readTimeout(scope, edge.originReadTimeoutMs),
        // A CloudFormation dynamic reference: the value is resolved at deploy time, never in the template.
        customHeaders: { [ORIGIN_VERIFY_HEADER]: deps.originSecret.secretValue.unsafeUnwrap() },
      }),
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      // Server-sent events must not be buffered for compression at the edge.
      compress: false,
    },
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    priceClass: PRICE_CLASSES[edge.priceClass],
    geoRestriction: geoRestriction(edge),
    webAclId: deps.webAclArn,
    ...(domain && {
      domainNames: [domain.name],
      certificate: acm.Certificate.fromCertificateArn(scope, 'Certificate', domain.certificateArn),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    }),
  });
  if (domain) addAliasRecords(scope, distribution, domain);
  acknowledgeEdgeFindings(distribution, plan, deps.webAclArn);
  return distribution;
}

function readTimeout(scope: Construct, ms: number): Duration {
  if (!Number.isInteger(ms / 1000) || ms < 1000) {
    throw new InfraValidationError(
      'infra/origin-read-timeout-invalid',
      `edge.originReadTimeoutMs is ${ms}; CloudFront takes whole seconds of at least 1 s.`,
      scope,
    );
  }
  return Duration.seconds(ms / 1000);
}

function geoRestriction(edge: PlanEdge): cloudfront.GeoRestriction | undefined {
  if (!edge.geo) return undefined;
  const countries = [...edge.geo.countries];
  return edge.geo.mode === 'allow'
    ? cloudfront.GeoRestriction.allowlist(...countries)
    : cloudfront.GeoRestriction.denylist(...countries);
}

function addAliasRecords(
  scope: Construct,
  distribution: cloudfront.Distribution,
  domain: NonNullable<PlanEdge['domain']>,
): void {
  const { hostedZoneId, hostedZoneName } = domain;
  if (hostedZoneId === null && hostedZoneName === null) return;
  if (hostedZoneId === null || hostedZoneName === null) {
    throw new InfraValidationError(
      'infra/hosted-zone-incomplete',
      'edge.domain needs both hostedZoneId and hostedZoneName to create alias records (or neither).',
      scope,
    );
  }
  // From attributes, never fromLookup: synth needs no credentials.
  const zone = route53.HostedZone.fromHostedZoneAttributes(scope, 'HostedZone', {
    hostedZoneId,
    zoneName: hostedZoneName,
  });
  const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(distribution));
  new route53.ARecord(scope, 'AliasA', { zone, recordName: domain.name, target });
  new route53.AaaaRecord(scope, 'AliasAaaa', { zone, recordName: domain.name, target });
}

function acknowledgeEdgeFindings(distribution: cloudfront.Distribution, plan: Plan, webAclArn: string | undefined): void {
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR3',
    reason:
      'Every request is logged by the gateway itself, one record per request to Firehose and S3; ' +
      'CloudFront standard logs would duplicate them without the route, consumer and token data.',
  });
  if (!plan.edge.geo) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'gateway.yaml sets no edge.geo restriction: the API serves every country.',
    });
  }
  if (!webAclArn) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'gateway.yaml leaves edge.waf disabled; keys, limits and guardrails are enforced by the gateway.',
    });
  }
  if (!plan.edge.domain) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'No edge.domain in gateway.yaml, so the default *.cloudfront.net certificate serves, whose minimum ' +
        'protocol CloudFront fixes; set edge.domain to get TLSv1.2_2021.',
    });
  }
}
