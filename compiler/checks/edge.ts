/**
 * certificate-region, hosted-zone-incomplete, waf-needs-region: what CloudFront, Route 53
 * and a CLOUDFRONT-scope web ACL require.
 * @module
 */
import type { Check } from './context.ts';

export const certificateRegion: Check = ({ spec }) => {
  const arn = spec.edge?.domain?.certificate_arn;
  const region = arn?.split(':')[3];
  if (arn === undefined || region === 'us-east-1') return [];
  return [
    {
      code: 'certificate-region',
      message: `the certificate is in ${region ?? 'an unknown region'}; CloudFront only uses ACM certificates from us-east-1`,
      path: ['edge', 'domain', 'certificate_arn'],
    },
  ];
};

export const hostedZoneIncomplete: Check = ({ spec }) => {
  const domain = spec.edge?.domain;
  if (!domain || (domain.hosted_zone_id === undefined) === (domain.hosted_zone_name === undefined)) return [];
  const missing = domain.hosted_zone_id === undefined ? 'hosted_zone_id' : 'hosted_zone_name';
  return [
    {
      code: 'hosted-zone-incomplete',
      message: `missing ${missing}: a Route 53 alias record needs both hosted_zone_id and hosted_zone_name`,
      path: ['edge', 'domain'],
      atKey: true,
    },
  ];
};

export const wafNeedsRegion: Check = ({ spec }) => {
  const waf = spec.edge?.waf;
  if (!waf?.enabled || waf.web_acl_arn !== undefined || spec.gateway.region !== undefined) return [];
  return [
    {
      code: 'waf-needs-region',
      message: 'creating a web ACL needs gateway.region (it lives in a us-east-1 stack referenced across regions); set a region or give web_acl_arn',
      path: ['edge', 'waf', 'enabled'],
    },
  ];
};
