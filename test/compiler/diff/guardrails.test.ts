/** Scenarios for the guardrails section. */
import { describe } from 'vitest';
import { makePlan } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const g = (action: Parameters<typeof ch>[2], message: string, flags: Parameters<typeof ch>[4] = []) => ch('guardrails', 'guardrails', action, message, flags);
const S = ['loosens-security'] as const;

describe('diff: guardrails', () => {
  runScenarios([
    { name: 'bigger max request loosens security', head: makePlan({ guardrails: { maxRequestKb: 1024 } }), changes: [g('changed', 'guardrails: max request size 256 KB → 1024 KB', S)] },
    { name: 'smaller max request is neutral', head: makePlan({ guardrails: { maxRequestKb: 64 } }), changes: [g('changed', 'guardrails: max request size 256 KB → 64 KB')] },
    { name: 'deny pattern removed loosens security', head: makePlan({ guardrails: { deny: [] } }), changes: [g('removed', 'guardrails: deny pattern secrets (BEGIN PRIVATE KEY) removed', S)] },
    {
      name: 'deny pattern added is neutral',
      head: makePlan({ guardrails: { deny: [{ name: 'secrets', pattern: 'BEGIN PRIVATE KEY' }, { name: 'ssn', pattern: '\\d{3}-\\d{2}-\\d{4}' }] } }),
      changes: [g('added', 'guardrails: deny pattern ssn (\\d{3}-\\d{2}-\\d{4}) added')],
    },
    {
      name: 'deny pattern rewritten loosens security',
      head: makePlan({ guardrails: { deny: [{ name: 'secrets', pattern: 'BEGIN RSA PRIVATE KEY' }] } }),
      changes: [g('changed', 'guardrails: deny pattern secrets BEGIN PRIVATE KEY → BEGIN RSA PRIVATE KEY', S)],
    },
    { name: 'PII redact → off loosens security', head: makePlan({ guardrails: { pii: 'off' } }), changes: [g('changed', 'guardrails: PII redact → off', S)] },
    { name: 'PII redact → block is neutral', head: makePlan({ guardrails: { pii: 'block' } }), changes: [g('changed', 'guardrails: PII redact → block')] },
    { name: 'PII block → redact loosens security', base: makePlan({ guardrails: { pii: 'block' } }), head: makePlan(), changes: [g('changed', 'guardrails: PII block → redact', S)] },
    { name: 'prompt injection flag → off loosens security', head: makePlan({ guardrails: { promptInjection: 'off' } }), changes: [g('changed', 'guardrails: prompt injection flag → off', S)] },
    { name: 'prompt injection flag → block is neutral', head: makePlan({ guardrails: { promptInjection: 'block' } }), changes: [g('changed', 'guardrails: prompt injection flag → block')] },
  ]);
});
