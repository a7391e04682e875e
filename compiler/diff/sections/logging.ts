/** Logging section: bodies, redactions, client IPs, metadata and retention of request logs. */
import type { Plan, PlanLogging, PlanRedaction } from '../../../runtime/plan.ts';
import { added, changed, removed, toChanges } from '../change.ts';
import { diffFields, field, togglePhrase } from '../fields.ts';
import { whenLater, whenTurnedOn } from '../rules.ts';
import type { Change, Finding } from '../types.ts';

const LOGGING_FIELDS = [
  field({ label: 'bodies', get: (l: PlanLogging) => l.bodies, phrase: togglePhrase('bodies'), flags: whenTurnedOn('loosens-security') }),
  field({
    label: 'client IP',
    get: (l: PlanLogging) => l.clientIp,
    flags: whenLater<PlanLogging['clientIp']>(['none', 'hashed', 'full'], 'loosens-security'),
  }),
  field({ label: 'metadata', get: (l: PlanLogging) => l.metadata, phrase: togglePhrase('metadata'), flags: whenTurnedOn('loosens-security') }),
  field({ label: 'retention', get: (l: PlanLogging) => l.retentionDays, format: (d) => `${d} days` }),
];

function redactionText(r: PlanRedaction): string {
  return r.kind === 'builtin' ? r.name : `${r.name} (${r.pattern})`;
}

/** Redactions match by name; one removed, or a pattern changed (it may match less), loosens security. */
function redactionFindings(base: PlanLogging, head: PlanLogging): Finding[] {
  const byName = (list: readonly PlanRedaction[]): Map<string, PlanRedaction> => new Map(list.map((r) => [r.name, r]));
  const b = byName(base.redact);
  const h = byName(head.redact);
  return [
    ...base.redact.filter((r) => !h.has(r.name)).map((r) => removed(`redaction of ${redactionText(r)} removed`, { before: r, flags: ['loosens-security'] })),
    ...head.redact.filter((r) => !b.has(r.name)).map((r) => added(`redaction of ${redactionText(r)} added`, { after: r })),
    ...head.redact.flatMap((r) => {
      const was = b.get(r.name);
      if (was === undefined || redactionText(was) === redactionText(r)) return [];
      return [changed(`redaction ${r.name} ${redactionText(was)} → ${redactionText(r)}`, { before: was, after: r, flags: ['loosens-security'] })];
    }),
  ];
}

/**
 * Logging changes. Bodies or metadata turned on, client IPs kept in a more revealing form
 * (none < hashed < full), and redactions removed or rewritten loosen security.
 */
export function diffLogging(base: Plan, head: Plan): Change[] {
  const findings = [...diffFields(base.logging, head.logging, LOGGING_FIELDS), ...redactionFindings(base.logging, head.logging)];
  return toChanges('logging', 'logging', findings);
}
