/** Scenarios for the consumers section: consumers, keys (incl. rotation and expiry), route grants, tags. */
import { describe, expect, it } from 'vitest';
import { diffPlans, formatDiff } from '../../../compiler/diff/index.ts';
import { DEFAULT_PLAN, consumer, editPlan, endOfDay, limit, makePlan, secretKey, sha256Key } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const c = (subject: string, action: Parameters<typeof ch>[2], message: string, flags: Parameters<typeof ch>[4] = []) => ch('consumers', subject, action, message, flags);
const SUPPORT = 'consumer team-support';

/** team-support's keys replaced by `keys`. */
function supportKeys(...keys: ReturnType<typeof sha256Key>[]) {
  return makePlan({ consumers: { 'team-support': { keys } } });
}

const current = (expiresAt: number | null = endOfDay('2027-06-30')) => sha256Key('support', { label: 'current', expiresAt });
const next = secretKey('sluice/keys/team-support-next', { label: 'next' });

describe('diff: consumers', () => {
  runScenarios([
    {
      name: 'a new consumer loosens security',
      head: makePlan({ consumers: { 'team-x': consumer('team-x') } }),
      changes: [c('consumer team-x', 'added', 'consumer team-x: added (1 key; route chat; no limits of its own)', ['loosens-security'])],
    },
    {
      name: "a new consumer's own limits are told in its line, not repeated under limits",
      head: editPlan((p) => {
        p.consumers['team-x'] = consumer('team-x', { routes: ['chat', 'embed'] });
        p.limits.push(limit('team-x/requests', { owner: 'team-x', consumers: ['team-x'] }));
      }),
      changes: [c('consumer team-x', 'added', 'consumer team-x: added (1 key; routes chat, embed; limits requests 100/min)', ['loosens-security'])],
    },
    {
      name: 'a removed consumer is neutral, and so are the limits it took with it',
      head: editPlan((p) => {
        delete p.consumers['team-search'];
        p.limits = p.limits.filter((l) => l.owner !== 'team-search');
      }),
      changes: [c('consumer team-search', 'removed', 'consumer team-search: removed')],
    },
    {
      name: 'a key added loosens security',
      head: supportKeys(current(), next, sha256Key('extra', { label: 'extra' })),
      changes: [c(SUPPORT, 'added', 'consumer team-support: key "extra" added', ['loosens-security'])],
    },
    {
      name: 'a key added with an expiry says when it expires; an unlabelled one is named by its short hash',
      head: supportKeys(current(), next, sha256Key('tmp', { expiresAt: endOfDay('2026-12-31') })),
      changes: [c(SUPPORT, 'added', 'consumer team-support: key sha256 cf10d3eb… added (expires 2026-12-31)', ['loosens-security'])],
    },
    {
      name: 'a key removed is neutral',
      head: supportKeys(current()),
      changes: [c(SUPPORT, 'removed', 'consumer team-support: key "next" removed')],
    },
    {
      name: 'key rotation: same label, new key, same expiry is neutral',
      head: supportKeys(sha256Key('support-2027', { label: 'current', expiresAt: endOfDay('2027-06-30') }), next),
      changes: [c(SUPPORT, 'changed', 'consumer team-support: key "current" replaced (sha256 a1860308… → sha256 8ecc8d67…)')],
    },
    {
      name: 'key rotation that drops the expiry loosens security',
      head: supportKeys(sha256Key('support-2027', { label: 'current' }), next),
      changes: [c(SUPPORT, 'changed', 'consumer team-support: key "current" replaced (sha256 a1860308… → sha256 8ecc8d67…), expiry 2027-06-30 → never', ['loosens-security'])],
    },
    {
      name: 'expiry removed loosens security',
      head: supportKeys(current(null), next),
      changes: [c(SUPPORT, 'changed', 'consumer team-support: key "current" expiry 2027-06-30 → never', ['loosens-security'])],
    },
    {
      name: 'expiry extended loosens security',
      head: supportKeys(current(endOfDay('2028-06-30')), next),
      changes: [c(SUPPORT, 'changed', 'consumer team-support: key "current" expiry 2027-06-30 → 2028-06-30', ['loosens-security'])],
    },
    {
      name: 'expiry shortened is neutral; an exact instant prints in full',
      head: supportKeys(current(Date.parse('2027-01-01T12:00:00Z')), next),
      changes: [c(SUPPORT, 'changed', 'consumer team-support: key "current" expiry 2027-06-30 → 2027-01-01T12:00:00Z')],
    },
    {
      name: 'an expiry set where there was none is neutral',
      head: supportKeys(current(), secretKey('sluice/keys/team-support-next', { label: 'next', expiresAt: endOfDay('2027-12-31') })),
      changes: [c(SUPPORT, 'changed', 'consumer team-support: key "next" expiry never → 2027-12-31')],
    },
    {
      name: 'a key relabelled',
      head: supportKeys(current(), secretKey('sluice/keys/team-support-next', { label: 'standby' })),
      changes: [c(SUPPORT, 'changed', 'consumer team-support: key secret sluice/keys/team-support-next label "next" → "standby"')],
    },
    {
      name: 'routes granted loosen security; routes withdrawn are neutral',
      head: makePlan({ consumers: { 'team-search': { routes: ['chat', 'smart'] } } }),
      changes: [
        c('consumer team-search', 'added', 'consumer team-search: granted route smart', ['loosens-security']),
        c('consumer team-search', 'removed', 'consumer team-search: no longer granted route embed'),
      ],
    },
    {
      name: 'tags added, changed and removed are neutral',
      head: editPlan((p) => void (p.consumers['team-search']!.tags = { tier: 'premium', cost_center: 'cc-7' })),
      changes: [
        c('consumer team-search', 'added', 'consumer team-search: tag cost_center=cc-7 added'),
        c('consumer team-search', 'removed', 'consumer team-search: tag team=search removed'),
        c('consumer team-search', 'changed', 'consumer team-search: tag tier standard → premium'),
      ],
    },
  ]);

  it('never prints a full key hash in any format', () => {
    const head = supportKeys(sha256Key('support-2027', { label: 'current' }), next, sha256Key('extra'));
    const diff = diffPlans(DEFAULT_PLAN, head);
    const hashes = [...DEFAULT_PLAN.consumers['team-support']!.keys, ...head.consumers['team-support']!.keys].flatMap((k) => (k.kind === 'sha256' ? [k.sha256] : []));
    expect(hashes).toHaveLength(3);
    for (const format of ['text', 'markdown', 'json'] as const) {
      const out = formatDiff(diff, format);
      for (const hash of hashes) expect(out).not.toContain(hash.slice(0, 9));
    }
  });
});
