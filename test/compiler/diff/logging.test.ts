/** Scenarios for the logging section. */
import { describe } from 'vitest';
import { editPlan, makePlan } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const g = (action: Parameters<typeof ch>[2], message: string, flags: Parameters<typeof ch>[4] = []) => ch('logging', 'logging', action, message, flags);

describe('diff: logging', () => {
  runScenarios([
    { name: 'bodies turned on loosens security', head: makePlan({ logging: { bodies: true } }), changes: [g('changed', 'logging: bodies turned on', ['loosens-security'])] },
    { name: 'bodies turned off is neutral', base: makePlan({ logging: { bodies: true } }), head: makePlan(), changes: [g('changed', 'logging: bodies turned off')] },
    { name: 'client IP hashed → full loosens security', head: makePlan({ logging: { clientIp: 'full' } }), changes: [g('changed', 'logging: client IP hashed → full', ['loosens-security'])] },
    { name: 'client IP hashed → none is neutral', head: makePlan({ logging: { clientIp: 'none' } }), changes: [g('changed', 'logging: client IP hashed → none')] },
    { name: 'metadata turned on loosens security', head: makePlan({ logging: { metadata: true } }), changes: [g('changed', 'logging: metadata turned on', ['loosens-security'])] },
    { name: 'retention is neutral', head: makePlan({ logging: { retentionDays: 30 } }), changes: [g('changed', 'logging: retention 90 days → 30 days')] },
    {
      name: 'a redaction removed loosens security',
      head: editPlan((p) => void (p.logging.redact = p.logging.redact.filter((r) => r.name !== 'email'))),
      changes: [g('removed', 'logging: redaction of email removed', ['loosens-security'])],
    },
    {
      name: 'a redaction added is neutral',
      head: editPlan((p) => void p.logging.redact.push({ kind: 'builtin', name: 'phone' })),
      changes: [g('added', 'logging: redaction of phone added')],
    },
    {
      name: 'a redaction pattern rewritten loosens security (it may match less)',
      head: editPlan((p) => void (p.logging.redact[3] = { kind: 'pattern', name: 'ticket', pattern: 'TCK-[0-9]{8}' })),
      changes: [g('changed', 'logging: redaction ticket ticket (TCK-[0-9]{6}) → ticket (TCK-[0-9]{8})', ['loosens-security'])],
    },
  ]);
});
