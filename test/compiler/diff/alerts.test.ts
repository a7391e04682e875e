/** Scenarios for the alerts section: alarms off, thresholds, evaluation, topic and subscribers. */
import { describe } from 'vitest';
import { editPlan, makePlan } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const a = (action: Parameters<typeof ch>[2], message: string, flags: Parameters<typeof ch>[4] = []) => ch('alerts', 'alerts', action, message, flags);
const LOOSENS = ['loosens-security'] as const;

describe('diff: alerts', () => {
  runScenarios([
    { name: 'alarms turned off loosens security (one change, settings not repeated)', head: makePlan({ alerts: { enabled: false, serverErrorPercent: 50 } }), changes: [a('changed', 'alerts: alarms turned off', LOOSENS)] },
    { name: 'alarms turned on is neutral', base: makePlan({ alerts: { enabled: false } }), head: makePlan(), changes: [a('changed', 'alerts: alarms turned on')] },
    { name: 'settings of disabled alarms are not compared', base: makePlan({ alerts: { enabled: false } }), head: makePlan({ alerts: { enabled: false, p99LatencyMs: null } }), changes: [] },
    { name: 'a threshold raised loosens security', head: makePlan({ alerts: { serverErrorPercent: 10 } }), changes: [a('changed', 'alerts: 5xx rate alarm 5% → 10%', LOOSENS)] },
    { name: 'a threshold lowered is neutral', head: makePlan({ alerts: { providerErrorPercent: 12.5 } }), changes: [a('changed', 'alerts: provider error rate alarm 25% → 12.5%')] },
    { name: 'one alarm turned off loosens security', head: makePlan({ alerts: { p99LatencyMs: null } }), changes: [a('changed', 'alerts: p99 latency alarm turned off', LOOSENS)] },
    {
      name: 'one alarm turned on is neutral',
      base: makePlan({ alerts: { budgetUsedPercent: null } }),
      head: makePlan({ alerts: { budgetUsedPercent: 90 } }),
      changes: [a('changed', 'alerts: budget used alarm turned on at 90%')],
    },
    { name: 'a latency threshold reads as a duration', head: makePlan({ alerts: { p99LatencyMs: 90_000 } }), changes: [a('changed', 'alerts: p99 latency alarm 1m → 1m30s', LOOSENS)] },
    { name: 'the dropped-records alarm turned off loosens security', head: makePlan({ alerts: { droppedLogRecords: false } }), changes: [a('changed', 'alerts: dropped log records alarm turned off', LOOSENS)] },
    {
      name: 'slower evaluation loosens security, faster is neutral',
      head: makePlan({ alerts: { periodMs: 900_000, evaluationPeriods: 1 } }),
      changes: [a('changed', 'alerts: alarm period 5m → 15m', LOOSENS), a('changed', 'alerts: evaluation periods 2 → 1')],
    },
    {
      name: 'another topic loosens security (notifications reach other people)',
      head: makePlan({ alerts: { topicArn: 'arn:aws:sns:eu-west-1:111122223333:oncall', notify: [] } }),
      changes: [
        a('changed', 'alerts: alarm topic created by Sluice → arn:aws:sns:eu-west-1:111122223333:oncall', LOOSENS),
        a('removed', 'alerts: notify email oncall@example.com removed', LOOSENS),
      ],
    },
    {
      name: 'a subscriber added is neutral',
      head: editPlan((p) => void p.alerts.notify.push({ kind: 'https', url: 'https://hooks.example.com/sluice' })),
      changes: [a('added', 'alerts: notify https https://hooks.example.com/sluice added')],
    },
  ]);
});
