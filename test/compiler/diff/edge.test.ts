/** Scenarios for the edge section: WAF, geo restriction, price class, domain, origin timeout. */
import { describe } from 'vitest';
import { makePlan } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const e = (message: string, flags: Parameters<typeof ch>[4] = []) => ch('edge', 'edge', 'changed', message, flags);
const S = ['loosens-security'] as const;

describe('diff: edge', () => {
  runScenarios([
    { name: 'WAF turned off loosens security', head: makePlan({ edge: { waf: { enabled: false } } }), changes: [e('edge: WAF turned off', S)] },
    { name: 'WAF turned on is neutral', base: makePlan({ edge: { waf: { enabled: false } } }), head: makePlan(), changes: [e('edge: WAF turned on')] },
    { name: 'WAF settings while it stays off are no change', base: makePlan({ edge: { waf: { enabled: false } } }), head: makePlan({ edge: { waf: { enabled: false, rateLimit: 10_000 } } }), changes: [] },
    { name: 'WAF rate limit raised loosens security', head: makePlan({ edge: { waf: { rateLimit: 10_000 } } }), changes: [e('edge: WAF rate limit 2000 per IP per 5 min → 10,000 per IP per 5 min', S)] },
    { name: 'WAF managed rules off loosens security', head: makePlan({ edge: { waf: { managedRules: false } } }), changes: [e('edge: WAF managed rules turned off', S)] },
    { name: 'geo restriction removed loosens security', head: makePlan({ edge: { geo: null } }), changes: [e('edge: geo restriction deny IR, KP → none', S)] },
    { name: 'deny list shrunk loosens security', head: makePlan({ edge: { geo: { countries: ['KP'] } } }), changes: [e('edge: geo restriction deny IR, KP → deny KP', S)] },
    { name: 'deny list grown is neutral', head: makePlan({ edge: { geo: { countries: ['CU', 'IR', 'KP'] } } }), changes: [e('edge: geo restriction deny IR, KP → deny CU, IR, KP')] },
    {
      name: 'allow list grown loosens security',
      base: makePlan({ edge: { geo: { mode: 'allow', countries: ['DE'] } } }),
      head: makePlan({ edge: { geo: { mode: 'allow', countries: ['DE', 'FR'] } } }),
      changes: [e('edge: geo restriction allow only DE → allow only DE, FR', S)],
    },
    { name: 'deny → allow is neutral', head: makePlan({ edge: { geo: { mode: 'allow', countries: ['DE'] } } }), changes: [e('edge: geo restriction deny IR, KP → allow only DE')] },
    { name: 'a wider price class raises spend', head: makePlan({ edge: { priceClass: 'all' } }), changes: [e('edge: price class 100 → all', ['raises-spend'])] },
    { name: 'origin read timeout is neutral', head: makePlan({ edge: { originReadTimeoutMs: 120_000 } }), changes: [e('edge: origin read timeout 1m → 2m')] },
    {
      name: 'a custom domain added is neutral',
      head: makePlan({ edge: { domain: { name: 'ai.acme.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', hostedZoneId: null, hostedZoneName: 'acme.com' } } }),
      changes: [e('edge: domain none → ai.acme.com (certificate arn:aws:acm:us-east-1:123456789012:certificate/abc, zone acme.com)')],
    },
  ]);
});
