/**
 * duration-out-of-range: durations fit what the platform can do (Lambda runs at most 15
 * minutes, CloudFront waits at most 120 s for origin bytes, …).
 * @module
 */
import type { Finding, SpecPath } from '../diagnostics/diagnostic.ts';
import { formatMs, parseDuration } from '../duration.ts';
import { ALARM_OFF } from '../normalize/alerts.ts';
import type { Duration, RetrySpec } from '../spec.ts';
import { strategyNodes } from '../walk.ts';
import type { Check } from './context.ts';

const S = 1_000;
const MIN = 60 * S;

/** Allowed range per kind of setting, in milliseconds. */
export const RANGES = {
  attempt: { min: 1 * S, max: 14 * MIN, why: 'the Lambda stops after 15 minutes' },
  deadline: { min: 1 * S, max: 14 * MIN, why: 'the Lambda stops after 15 minutes, and logging needs time after the response' },
  store: { min: 10, max: 10 * S, why: 'the store is on the hot path' },
  backoff: { min: 1, max: 5 * MIN, why: 'longer waits outlive any deadline' },
  originRead: { min: 1 * S, max: 120 * S, why: 'CloudFront allows 1s to 120s' },
  cacheTtl: { min: 1 * S, max: 365 * 24 * 60 * MIN, why: 'entries live at most a year' },
  mock: { min: 0, max: 60 * S, why: 'mock delays are for demos and tests' },
  alarmPeriod: { min: 1 * MIN, max: 60 * MIN, why: 'alarms evaluate whole minutes, and longer periods react too late' },
  alarmLatency: { min: 100, max: 15 * MIN, why: 'no request outlives the 15-minute Lambda' },
} as const;

export const durationOutOfRange: Check = ({ spec }) => {
  const findings: Finding[] = [];
  const check = (value: Duration | undefined, path: SpecPath, range: (typeof RANGES)[keyof typeof RANGES]): void => {
    if (value === undefined) return;
    const ms = parseDuration(value);
    if (ms === undefined || (ms >= range.min && ms <= range.max)) return;
    findings.push({
      code: 'duration-out-of-range',
      message: `${value} is outside ${formatMs(range.min)}–${formatMs(range.max)} (${range.why})`,
      path,
    });
  };
  const checkRetry = (retry: RetrySpec | undefined, path: SpecPath): void => {
    check(retry?.backoff?.initial, [...path, 'backoff', 'initial'], RANGES.backoff);
    check(retry?.backoff?.max, [...path, 'backoff', 'max'], RANGES.backoff);
  };
  check(spec.gateway.runtime?.store_timeout, ['gateway', 'runtime', 'store_timeout'], RANGES.store);
  const d = spec.route_defaults;
  check(d?.timeout, ['route_defaults', 'timeout'], RANGES.attempt);
  check(d?.first_token_timeout, ['route_defaults', 'first_token_timeout'], RANGES.attempt);
  check(d?.deadline, ['route_defaults', 'deadline'], RANGES.deadline);
  checkRetry(d?.retry, ['route_defaults', 'retry']);
  for (const [name, route] of Object.entries(spec.routes)) {
    const path = ['routes', name];
    check(route.timeout, [...path, 'timeout'], RANGES.attempt);
    check(route.first_token_timeout, [...path, 'first_token_timeout'], RANGES.attempt);
    check(route.deadline, [...path, 'deadline'], RANGES.deadline);
    checkRetry(route.retry, [...path, 'retry']);
    if (typeof route.cache === 'object') check(route.cache.ttl, [...path, 'cache', 'ttl'], RANGES.cacheTtl);
  }
  for (const { node, path } of strategyNodes(spec)) {
    if (typeof node === 'object' && 'target' in node) check(node.timeout, [...path, 'timeout'], RANGES.attempt);
  }
  for (const [name, p] of Object.entries(spec.providers)) {
    check(p.timeout, ['providers', name, 'timeout'], RANGES.attempt);
    check(p.latency, ['providers', name, 'latency'], RANGES.mock);
    check(p.chunk_delay, ['providers', name, 'chunk_delay'], RANGES.mock);
    (p.script ?? []).forEach((s, i) => check(s.latency, ['providers', name, 'script', i, 'latency'], RANGES.mock));
  }
  check(spec.cache?.ttl, ['cache', 'ttl'], RANGES.cacheTtl);
  check(spec.edge?.origin_read_timeout, ['edge', 'origin_read_timeout'], RANGES.originRead);
  check(spec.alerts?.period, ['alerts', 'period'], RANGES.alarmPeriod);
  const latency = spec.alerts?.p99_latency;
  check(latency === ALARM_OFF ? undefined : latency, ['alerts', 'p99_latency'], RANGES.alarmLatency);
  return findings;
};
