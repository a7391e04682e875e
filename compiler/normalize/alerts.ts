/**
 * Alerts in Plan form: thresholds as numbers (percent, milliseconds) or null when `off`,
 * the period in milliseconds, and the topic's subscribers.
 * @module
 */
import type { PlanAlertEndpoint, PlanAlerts } from '../../runtime/plan.ts';
import { ms } from '../duration.ts';
import type { AlertEndpointSpec, Spec } from '../spec.ts';
import { ALERT_DEFAULTS } from './defaults.ts';

/** The word that turns one alarm off. */
export const ALARM_OFF = 'off';

/** `5%` → 5, `0.5%` → 0.5, `off` → null (the schema admitted the text). */
export function percentOrOff(text: string): number | null {
  return text === ALARM_OFF ? null : Number(text.slice(0, -1));
}

/** `30s` → 30000, `off` → null. */
function durationOrOff(text: string): number | null {
  return text === ALARM_OFF ? null : ms(text);
}

function endpoint(e: AlertEndpointSpec): PlanAlertEndpoint {
  return e.email !== undefined ? { kind: 'email', address: e.email } : { kind: 'https', url: e.https! };
}

/** The alerts section with every default filled in. */
export function normalizeAlerts(spec: Spec): PlanAlerts {
  const a = spec.alerts ?? {};
  const d = ALERT_DEFAULTS;
  return {
    enabled: a.enabled ?? d.enabled,
    topicArn: a.topic_arn ?? null,
    notify: (a.notify ?? []).map(endpoint),
    periodMs: ms(a.period ?? d.period),
    evaluationPeriods: a.evaluation_periods ?? d.evaluation_periods,
    serverErrorPercent: percentOrOff(a.server_error_rate ?? d.server_error_rate),
    p99LatencyMs: durationOrOff(a.p99_latency ?? d.p99_latency),
    providerErrorPercent: percentOrOff(a.provider_error_rate ?? d.provider_error_rate),
    budgetUsedPercent: percentOrOff(a.budget_used ?? d.budget_used),
    droppedLogRecords: a.dropped_log_records ?? d.dropped_log_records,
  };
}
