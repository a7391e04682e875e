/** Guardrails section: request size cap, deny patterns, PII and prompt-injection handling. */
import type { Plan, PlanGuardrails } from '../../../runtime/plan.ts';
import { added, changed, removed, toChanges } from '../change.ts';
import { diffFields, field } from '../fields.ts';
import { whenLater, whenRaised } from '../rules.ts';
import type { Change, Finding } from '../types.ts';

type DenyRule = PlanGuardrails['deny'][number];

const GUARDRAIL_FIELDS = [
  field({ label: 'max request size', get: (g: PlanGuardrails) => g.maxRequestKb, format: (kb) => `${kb} KB`, flags: whenRaised('loosens-security') }),
  field({ label: 'PII', get: (g: PlanGuardrails) => g.pii, flags: whenLater<PlanGuardrails['pii']>(['block', 'redact', 'off'], 'loosens-security') }),
  field({
    label: 'prompt injection',
    get: (g: PlanGuardrails) => g.promptInjection,
    flags: whenLater<PlanGuardrails['promptInjection']>(['block', 'flag', 'off'], 'loosens-security'),
  }),
];

/** Deny rules match by name; a rule removed, or its pattern rewritten (it may match less), loosens security. */
function denyFindings(base: PlanGuardrails, head: PlanGuardrails): Finding[] {
  const b = new Map(base.deny.map((r) => [r.name, r]));
  const h = new Map(head.deny.map((r) => [r.name, r]));
  const show = (r: DenyRule): string => `${r.name} (${r.pattern})`;
  return [
    ...base.deny.filter((r) => !h.has(r.name)).map((r) => removed(`deny pattern ${show(r)} removed`, { before: r, flags: ['loosens-security'] })),
    ...head.deny.filter((r) => !b.has(r.name)).map((r) => added(`deny pattern ${show(r)} added`, { after: r })),
    ...head.deny.flatMap((r) => {
      const was = b.get(r.name);
      if (was === undefined || was.pattern === r.pattern) return [];
      return [changed(`deny pattern ${r.name} ${was.pattern} → ${r.pattern}`, { before: was, after: r, flags: ['loosens-security'] })];
    }),
  ];
}

/** Guardrail changes. A larger request cap, weaker PII or prompt-injection handling, and deny patterns removed or rewritten loosen security. */
export function diffGuardrails(base: Plan, head: Plan): Change[] {
  const findings = [...diffFields(base.guardrails, head.guardrails, GUARDRAIL_FIELDS), ...denyFindings(base.guardrails, head.guardrails)];
  return toChanges('guardrails', 'guardrails', findings);
}
