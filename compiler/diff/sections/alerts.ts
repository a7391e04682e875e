/** Alerts section: whether alarms exist, their thresholds and evaluation, and who is notified. */
import type { Plan, PlanAlertEndpoint, PlanAlerts } from '../../../runtime/plan.ts';
import { added, changed, flagIf, removed, toChanges } from '../change.ts';
import { diffFields, field, type FieldDiffer, togglePhrase } from '../fields.ts';
import { formatDuration } from '../format/duration.ts';
import { trimDecimals } from '../format/number.ts';
import { whenRaised, whenTurnedOff } from '../rules.ts';
import type { Change, DiffFlag, Finding } from '../types.ts';

/** `5%`, `0.5%`. */
function percentText(value: number): string {
  return `${trimDecimals(value, 2)}%`;
}

/** An alarm that is now off, or fires only later (a raised threshold), hides what it used to show. */
function thresholdFlags(before: number | null, after: number | null): DiffFlag[] {
  if (before === null) return [];
  return flagIf(after === null || after > before, 'loosens-security');
}

/** A field for one alarm's threshold: `<label> alarm turned on at 5%`, `… turned off`, `… 5% → 10%`. */
function threshold(label: string, get: (a: PlanAlerts) => number | null, format: (value: number) => string): FieldDiffer<PlanAlerts> {
  return field({
    label,
    get,
    phrase: (before: number | null, after: number | null) => {
      if (before === null) return `${label} alarm turned on at ${format(after!)}`;
      if (after === null) return `${label} alarm turned off`;
      return `${label} alarm ${format(before)} → ${format(after)}`;
    },
    flags: thresholdFlags,
  });
}

const ALERT_FIELDS = [
  field({
    label: 'alarm topic',
    get: (a: PlanAlerts) => a.topicArn,
    format: (arn) => arn ?? 'created by Sluice',
    flags: () => ['loosens-security'],
  }),
  threshold('5xx rate', (a) => a.serverErrorPercent, percentText),
  threshold('p99 latency', (a) => a.p99LatencyMs, formatDuration),
  threshold('provider error rate', (a) => a.providerErrorPercent, percentText),
  threshold('budget used', (a) => a.budgetUsedPercent, percentText),
  field({
    label: 'dropped log records alarm',
    get: (a: PlanAlerts) => a.droppedLogRecords,
    phrase: togglePhrase('dropped log records alarm'),
    flags: whenTurnedOff('loosens-security'),
  }),
  field({ label: 'alarm period', get: (a: PlanAlerts) => a.periodMs, format: formatDuration, flags: whenRaised('loosens-security') }),
  field({ label: 'evaluation periods', get: (a: PlanAlerts) => a.evaluationPeriods, flags: whenRaised('loosens-security') }),
];

function endpointText(e: PlanAlertEndpoint): string {
  return e.kind === 'email' ? `email ${e.address}` : `https ${e.url}`;
}

/** Subscribers match by kind and address; one removed means someone is no longer told. */
function notifyFindings(base: PlanAlerts, head: PlanAlerts): Finding[] {
  const was = new Set(base.notify.map(endpointText));
  const now = new Set(head.notify.map(endpointText));
  return [
    ...base.notify.filter((e) => !now.has(endpointText(e))).map((e) => removed(`notify ${endpointText(e)} removed`, { before: e, flags: ['loosens-security'] })),
    ...head.notify.filter((e) => !was.has(endpointText(e))).map((e) => added(`notify ${endpointText(e)} added`, { after: e })),
  ];
}

/** Settings matter only while alarms exist; turning them all off is one change. */
function alertFindings(base: PlanAlerts, head: PlanAlerts): Finding[] {
  if (base.enabled !== head.enabled) {
    const flags = flagIf(!head.enabled, 'loosens-security');
    return [changed(`alarms turned ${head.enabled ? 'on' : 'off'}`, { before: base, after: head, flags })];
  }
  return head.enabled ? [...diffFields(base, head, ALERT_FIELDS), ...notifyFindings(base, head)] : [];
}

/**
 * Alerts changes. Alarms turned off (all, or one), a threshold raised, a slower evaluation
 * (longer period, more periods), another topic, and a subscriber removed loosen security:
 * a detective control sees less or tells fewer people.
 */
export function diffAlerts(base: Plan, head: Plan): Change[] {
  return toChanges('alerts', 'alerts', alertFindings(base.alerts, head.alerts));
}
