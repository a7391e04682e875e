/**
 * Retry, breaker and choice policies as tables: backoff with full jitter and Retry-After,
 * failure matching, circuit breaker states, weighted and sticky load balancing, conditions.
 */
import { describe, expect, it } from 'vitest';
import type { PlanCondition, PlanConsumer, PlanLoadbalanceNode, PlanRetry, PlanTargetNode } from '../../../runtime/plan.ts';
import { retryDelay } from '../../../runtime/routing/backoff.ts';
import { createBreakers } from '../../../runtime/routing/breaker.ts';
import { classOfStatus, failure, matches, retryAfterMs } from '../../../runtime/routing/failure.ts';
import { conditionHolds, pickChild } from '../../../runtime/routing/pick.ts';

const policy: PlanRetry = { attempts: 3, on: [429, '5xx'], backoff: { initialMs: 200, maxMs: 5000, multiplier: 2 } };

describe('retryDelay', () => {
  it.each([
    [1, 0.999, 199],
    [2, 0.999, 399],
    [3, 0.5, 400],
    [10, 0.999, 4995],
    [1, 0, 0],
  ])('retry %i with random %f waits %i ms (full jitter under an exponential cap)', (retry, r, expected) => {
    expect(retryDelay(retry, policy, null, () => r)).toBe(expected);
  });

  it('waits at least what Retry-After asks', () => {
    expect(retryDelay(1, policy, 3000, () => 0.1)).toBe(3000);
  });

  it('gives up on the target when Retry-After exceeds the backoff cap', () => {
    expect(retryDelay(1, policy, 60_000, () => 0.1)).toBeNull();
  });
});

describe('failures', () => {
  it.each([
    [429, 'rate_limited'],
    [408, 'timeout'],
    [401, 'auth'],
    [403, 'auth'],
    [503, 'overloaded'],
    [529, 'overloaded'],
    [500, 'server'],
    [502, 'server'],
    [400, 'invalid_request'],
    [404, 'invalid_request'],
  ] as const)('status %i is %s', (status, cls) => {
    expect(classOfStatus(status)).toBe(cls);
  });

  it('matches statuses, 5xx and classes', () => {
    const f503 = failure('overloaded', 'x', 'm', { status: 503 });
    expect(matches(f503, [503])).toBe(true);
    expect(matches(f503, ['5xx'])).toBe(true);
    expect(matches(f503, ['overloaded'])).toBe(true);
    expect(matches(f503, [429, 'timeout'])).toBe(false);
    expect(matches(failure('timeout', 'x', 'm'), ['5xx'])).toBe(false);
  });

  it('reads Retry-After as seconds, HTTP date, or retry-after-ms', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterMs({ 'retry-after': '7' }, now)).toBe(7000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after-ms': '250' }, now)).toBe(250);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeNull();
    expect(retryAfterMs({}, now)).toBeNull();
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, lets one probe through after the cooldown, closes on success', () => {
    const b = createBreakers({ threshold: 3, cooldownMs: 1000 });
    for (let i = 0; i < 2; i++) b.failure('p/m', 0);
    expect(b.acquire('p/m', 0)).toBe(true);
    b.failure('p/m', 0);
    expect(b.available('p/m', 500)).toBe(false);
    expect(b.acquire('p/m', 500)).toBe(false);
    expect(b.acquire('p/m', 1000)).toBe(true); // the probe
    expect(b.acquire('p/m', 1001)).toBe(false); // only one probe at a time
    b.success('p/m');
    expect(b.acquire('p/m', 1002)).toBe(true);
  });

  it('reopens when the probe fails', () => {
    const b = createBreakers({ threshold: 1, cooldownMs: 1000 });
    b.failure('p/m', 0);
    expect(b.acquire('p/m', 1000)).toBe(true);
    b.failure('p/m', 1000);
    expect(b.acquire('p/m', 1500)).toBe(false);
    expect(b.acquire('p/m', 2000)).toBe(true);
  });

  it('keeps targets apart', () => {
    const b = createBreakers({ threshold: 1 });
    b.failure('a/x', 0);
    expect(b.available('b/x', 0)).toBe(true);
  });
});

const target = (provider: string, weight: number): PlanTargetNode => ({ kind: 'target', provider, model: 'm', params: {}, timeoutMs: 1000, weight, via: null });
const consumer = (name: string, tags: Record<string, string> = {}): PlanConsumer => ({ name, keys: [], routes: [], tags });

describe('load balancing', () => {
  const lb: PlanLoadbalanceNode = { kind: 'loadbalance', sticky: 'none', children: [target('a', 3), target('b', 1)], weight: 1, via: null };

  it('splits by weight', () => {
    const board = createBreakers();
    const picks = Array.from({ length: 100 }, (_, i) => (pickChild(lb, 'r', null, board, 0, () => i / 100) as PlanTargetNode).provider);
    expect(picks.filter((p) => p === 'a')).toHaveLength(75);
  });

  it('skips children whose targets all have open breakers', () => {
    const board = createBreakers({ threshold: 1 });
    board.failure('a/m', 0);
    for (const r of [0, 0.3, 0.7, 0.99]) expect((pickChild(lb, 'r', null, board, 10, () => r) as PlanTargetNode).provider).toBe('b');
  });

  it('is sticky per consumer and the same on every instance', () => {
    const sticky = { ...lb, sticky: 'consumer' as const };
    const picksFor = (name: string): string[] => Array.from({ length: 20 }, () => (pickChild(sticky, 'route-x', consumer(name), createBreakers(), 0, Math.random) as PlanTargetNode).provider);
    for (const name of ['alice', 'bob', 'carol', 'dave']) expect(new Set(picksFor(name)).size).toBe(1);
    const spread = new Set(Array.from({ length: 40 }, (_, i) => picksFor(`team-${i}`)[0]));
    expect(spread).toEqual(new Set(['a', 'b']));
  });
});

describe('conditions', () => {
  const none: PlanCondition = { header: {}, metadata: {}, consumer: [], consumerTags: {}, country: [] };
  const facts = { headers: new Headers({ 'x-tier': 'gold' }), metadata: { feature: 'search' }, country: 'DE' };

  it.each([
    ['empty condition', none, true],
    ['header value', { ...none, header: { 'x-tier': ['gold', 'silver'] } }, true],
    ['header value mismatch', { ...none, header: { 'x-tier': ['bronze'] } }, false],
    ['metadata', { ...none, metadata: { feature: ['search'] } }, true],
    ['consumer', { ...none, consumer: ['alice'] }, true],
    ['consumer mismatch', { ...none, consumer: ['bob'] }, false],
    ['consumer tag', { ...none, consumerTags: { tier: ['premium'] } }, true],
    ['country', { ...none, country: ['FR', 'DE'] }, true],
    ['all must hold', { ...none, country: ['DE'], consumer: ['bob'] }, false],
  ] as const)('%s', (_name, when, expected) => {
    expect(conditionHolds(when, facts, consumer('alice', { tier: 'premium' }))).toBe(expected);
  });

  it('a consumer test fails for anonymous callers', () => {
    expect(conditionHolds({ ...none, consumer: ['alice'] }, facts, null)).toBe(false);
  });
});
