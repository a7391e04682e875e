/** Shared formatting helpers: durations, counts, money, windows, dates, lists, strategy words. */
import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../../compiler/diff/format/date.ts';
import { formatDuration } from '../../../compiler/diff/format/duration.ts';
import { formatList } from '../../../compiler/diff/format/list.ts';
import { formatUsd } from '../../../compiler/diff/format/money.ts';
import { formatCount, formatPercent } from '../../../compiler/diff/format/number.ts';
import { formatLimitAmount } from '../../../compiler/diff/format/window.ts';
import { describeCondition, describeNode } from '../../../compiler/diff/strategy/describe.ts';
import { conditional, fallback, loadbalance, target, when } from './plan-factory.ts';

describe('diff formatting helpers', () => {
  it.each([
    [60_000, '1m'],
    [0, '0ms'],
    [250, '250ms'],
    [1_500, '1s500ms'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [86_400_000, '1d'],
    [90_061_001, '1d1h1m1s1ms'],
  ])('duration %d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [600, '600'],
    [1200, '1200'],
    [9999, '9999'],
    [20_000, '20,000'],
    [2_000_000, '2,000,000'],
    [0.5, '0.5'],
    [12_345.678, '12,345.68'],
  ])('count %d → %s', (n, text) => expect(formatCount(n)).toBe(text));

  it.each([
    [500, '$500'],
    [20_000, '$20,000'],
    [0.8, '$0.80'],
    [12.5, '$12.50'],
    [0.075, '$0.075'],
    [0.0001, '$0.0001'],
  ])('usd %d → %s', (n, text) => expect(formatUsd(n)).toBe(text));

  it('percentages', () => {
    expect(formatPercent(0.75)).toBe('75%');
    expect(formatPercent(1 / 3)).toBe('33.3%');
  });

  it.each([
    [{ kind: 'requests', amount: 600, window: { kind: 'duration', ms: 60_000 } }, '600/min'],
    [{ kind: 'requests', amount: 600, window: { kind: 'duration', ms: 300_000 } }, '600/5m'],
    [{ kind: 'requests', amount: 10, window: { kind: 'duration', ms: 1_000 } }, '10/s'],
    [{ kind: 'tokens', amount: 2_000_000, window: { kind: 'duration', ms: 3_600_000 } }, '2,000,000 tokens/h'],
    [{ kind: 'tokens', amount: 5_000, window: { kind: 'duration', ms: 86_400_000 } }, '5000 tokens/day'],
    [{ kind: 'budget_usd', amount: 500, window: { kind: 'calendar', period: 'month' } }, '$500/month'],
    [{ kind: 'budget_usd', amount: 12.5, window: { kind: 'calendar', period: 'week' } }, '$12.50/week'],
    [{ kind: 'concurrent', amount: 20, window: null }, '20 in flight'],
  ] as const)('limit amount %j → %s', (limit, text) => expect(formatLimitAmount(limit)).toBe(text));

  it('timestamps', () => {
    expect(formatTimestamp(null)).toBe('never');
    expect(formatTimestamp(Date.parse('2027-06-30T23:59:59.999Z'))).toBe('2027-06-30');
    expect(formatTimestamp(Date.parse('2027-06-30T00:00:00Z'))).toBe('2027-06-30T00:00:00Z');
  });

  it('lists', () => {
    expect(formatList([])).toBe('none');
    expect(formatList(['a', 'b'])).toBe('a, b');
    expect(formatList(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
  });

  it('strategy trees in words', () => {
    expect(describeNode(fallback(['openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest']))).toBe(
      'fallback openai/gpt-4o-mini → anthropic/claude-3-5-haiku-latest',
    );
    expect(describeNode(loadbalance([['openai/gpt-4o', 3], ['anthropic/claude-3-5-sonnet-latest', 1]], { sticky: 'consumer' }))).toBe(
      'loadbalance openai/gpt-4o (75%), anthropic/claude-3-5-sonnet-latest (25%), sticky per consumer',
    );
    const tree = conditional([[when({ country: ['DE'] }), fallback(['a/x', { ...target('b/y'), via: 'other' }])]], 'c/z');
    expect(describeNode(tree)).toBe('conditional: when country is DE → (fallback a/x → route other); otherwise c/z');
  });

  it('conditions in words', () => {
    expect(describeCondition(when({}))).toBe('always');
    expect(describeCondition(when({ header: { 'x-tier': ['gold', 'silver'] }, consumer: ['team-a'], consumerTags: { tier: ['premium'] } }))).toBe(
      'header x-tier in gold, silver and consumer is team-a and consumer tag tier is premium',
    );
  });
});
