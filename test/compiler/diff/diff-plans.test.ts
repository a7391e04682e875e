/** diffPlans as a whole: empty diffs, ordering, summary, plan refs, purity. */
import { describe, expect, it } from 'vitest';
import { diffPlans } from '../../../compiler/diff/index.ts';
import { SECTION_ORDER } from '../../../compiler/diff/order.ts';
import { DEFAULT_PLAN, makePlan } from './plan-factory.ts';
import { RICH_HEAD } from './rich-diff.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('diffPlans', () => {
  it('no change → no changes', () => {
    expect(diffPlans(DEFAULT_PLAN, makePlan()).changes).toEqual([]);
  });

  it('a different hash alone is not a change', () => {
    const diff = diffPlans(DEFAULT_PLAN, makePlan({ hash: 'sha256:ffff' }));
    expect(diff.changes).toEqual([]);
    expect(diff.summary).toEqual({ added: 0, changed: 0, removed: 0, loosensSecurity: 0, raisesSpend: 0 });
  });

  it('derived fields (aliases map, secrets list) are not compared on their own', () => {
    expect(diffPlans(DEFAULT_PLAN, makePlan({ aliases: { other: 'chat' }, secrets: [] })).changes).toEqual([]);
  });

  it('names both Plans', () => {
    const diff = diffPlans(DEFAULT_PLAN, RICH_HEAD);
    expect(diff.version).toBe(1);
    expect(diff.base).toEqual({ hash: DEFAULT_PLAN.hash, gateway: 'acme-ai', stage: 'prod' });
    expect(diff.head).toEqual({ hash: RICH_HEAD.hash, gateway: 'acme-ai', stage: 'prod' });
  });

  it('orders by section, then subject, then message', () => {
    const { changes } = diffPlans(DEFAULT_PLAN, RICH_HEAD);
    const keys = changes.map((c) => [SECTION_ORDER.indexOf(c.section), c.subject, c.message] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    expect(keys).toEqual(sorted);
  });

  it('summary counts actions and flags', () => {
    const { changes, summary } = diffPlans(DEFAULT_PLAN, RICH_HEAD);
    expect(summary).toEqual({
      added: changes.filter((c) => c.action === 'added').length,
      changed: changes.filter((c) => c.action === 'changed').length,
      removed: changes.filter((c) => c.action === 'removed').length,
      loosensSecurity: changes.filter((c) => c.flags.includes('loosens-security')).length,
      raisesSpend: changes.filter((c) => c.flags.includes('raises-spend')).length,
    });
  });

  it('every message is one line starting with its subject', () => {
    for (const c of diffPlans(DEFAULT_PLAN, RICH_HEAD).changes) {
      expect(c.message.startsWith(`${c.subject}: `)).toBe(true);
      expect(c.message).not.toMatch(/\n/);
    }
  });

  it('is pure: frozen inputs, same output twice, the reverse diff mirrors added and removed', () => {
    const base = deepFreeze(structuredClone(DEFAULT_PLAN));
    const head = deepFreeze(structuredClone(RICH_HEAD));
    const once = diffPlans(base, head);
    expect(diffPlans(base, head)).toEqual(once);
    const back = diffPlans(head, base);
    expect([back.summary.added, back.summary.changed, back.summary.removed]).toEqual([once.summary.removed, once.summary.changed, once.summary.added]);
  });
});
