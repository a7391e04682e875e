/** Edge section: CloudFront domain, price class, origin timeout, WAF and country restriction. */
import type { Plan, PlanEdge } from '../../../runtime/plan.ts';
import { changed, flagIf, toChanges } from '../change.ts';
import { diffFields, field, togglePhrase } from '../fields.ts';
import { formatDuration } from '../format/duration.ts';
import { formatList, listDelta } from '../format/list.ts';
import { formatCount } from '../format/number.ts';
import { whenLater, whenRaised, whenTurnedOff } from '../rules.ts';
import type { Change, DiffFlag, Finding } from '../types.ts';

type Geo = PlanEdge['geo'];
type Domain = PlanEdge['domain'];

function domainText(domain: Domain): string {
  if (domain === null) return 'none';
  const zone = domain.hostedZoneName ?? domain.hostedZoneId;
  return `${domain.name} (certificate ${domain.certificateArn}${zone !== null ? `, zone ${zone}` : ''})`;
}

function geoText(geo: Geo): string {
  if (geo === null) return 'none';
  return `${geo.mode === 'allow' ? 'allow only' : 'deny'} ${formatList(geo.countries)}`;
}

/** More countries get through: the restriction removed, an allow list grown, a deny list shrunk, or deny replacing allow. */
function geoFlags(before: Geo, after: Geo): DiffFlag[] {
  if (before === null) return [];
  if (after === null) return ['loosens-security'];
  if (before.mode !== after.mode) return flagIf(after.mode === 'deny', 'loosens-security');
  const delta = listDelta(before.countries, after.countries);
  return flagIf((after.mode === 'allow' ? delta.added : delta.removed).length > 0, 'loosens-security');
}

const EDGE_FIELDS = [
  field({ label: 'domain', get: (e: PlanEdge) => e.domain, format: domainText }),
  field({ label: 'price class', get: (e: PlanEdge) => e.priceClass, flags: whenLater<PlanEdge['priceClass']>(['100', '200', 'all'], 'raises-spend') }),
  field({ label: 'origin read timeout', get: (e: PlanEdge) => e.originReadTimeoutMs, format: formatDuration }),
  field({ label: 'geo restriction', get: (e: PlanEdge) => e.geo, format: geoText, flags: geoFlags }),
];

const WAF_FIELDS = [
  field({ label: 'WAF web ACL', get: (e: PlanEdge) => e.waf.webAclArn, format: (arn) => arn ?? 'created by Sluice' }),
  field({ label: 'WAF rate limit', get: (e: PlanEdge) => e.waf.rateLimit, format: (n) => `${formatCount(n)} per IP per 5 min`, flags: whenRaised('loosens-security') }),
  field({ label: 'WAF managed rules', get: (e: PlanEdge) => e.waf.managedRules, phrase: togglePhrase('WAF managed rules'), flags: whenTurnedOff('loosens-security') }),
];

/** WAF settings matter only while it is on. */
function wafFindings(base: PlanEdge, head: PlanEdge): Finding[] {
  if (base.waf.enabled !== head.waf.enabled) {
    const flags = flagIf(!head.waf.enabled, 'loosens-security');
    return [changed(`WAF turned ${head.waf.enabled ? 'on' : 'off'}`, { before: base.waf, after: head.waf, flags })];
  }
  return head.waf.enabled ? diffFields(base, head, WAF_FIELDS) : [];
}

/**
 * Edge changes. WAF turned off, its managed rules off or its rate limit raised, and a geo
 * restriction removed or relaxed loosen security; a wider price class raises spend. The
 * origin read timeout is neutral.
 */
export function diffEdge(base: Plan, head: Plan): Change[] {
  return toChanges('edge', 'edge', [...diffFields(base.edge, head.edge, EDGE_FIELDS), ...wafFindings(base.edge, head.edge)]);
}
