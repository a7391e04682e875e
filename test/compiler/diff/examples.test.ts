/** The diff on Plans compiled from examples/multi-provider.yaml and edited copies of its text. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../../compiler/index.ts';
import { diffPlans } from '../../../compiler/diff/index.ts';
import type { Plan } from '../../../runtime/plan.ts';
import { changesOf } from './scenarios.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/multi-provider.yaml', import.meta.url));
const TEXT = readFileSync(EXAMPLE, 'utf8');
/** A fixed clock, so the example's key expiry (2027-06-30) never fails the compile. */
const NOW = Date.parse('2026-01-01T00:00:00Z');

function compile(text: string, stage?: string): Plan {
  const result = compileSource(text, { file: 'multi-provider.yaml', now: NOW, ...(stage ? { stage } : {}) });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (result.plan === null) throw new Error('example did not compile');
  return result.plan;
}

/** The example text with one exact edit; fails if the searched text is not there exactly once. */
function edited(search: string, replace: string): string {
  expect(TEXT.split(search)).toHaveLength(2);
  return TEXT.replace(search, replace);
}

describe('diff: compiled examples', () => {
  const base = compile(TEXT);

  it('the example against itself has no changes', () => {
    expect(diffPlans(base, compile(TEXT)).changes).toEqual([]);
  });

  it("raising team-search's requests limit reads as the issue says", () => {
    const head = compile(edited('      - requests: 600\n', '      - requests: 1200\n'));
    expect(changesOf(base, head)).toEqual([
      {
        section: 'limits',
        subject: 'consumer team-search',
        action: 'changed',
        message: 'consumer team-search: requests limit 600/min → 1200/min',
        flags: ['loosens-security', 'raises-spend'],
      },
    ]);
  });

  it('the dev stage turns body logging on and alarms off', () => {
    expect(changesOf(base, compile(TEXT, 'dev')).map((c) => [c.message, c.flags])).toEqual([
      ['gateway: stage default → dev', []],
      ['logging: bodies turned on', ['loosens-security']],
      ['logging: retention 90 days → 7 days', []],
      ['alerts: alarms turned off', ['loosens-security']],
    ]);
  });

  it('raising the 5xx alarm and removing the on-call address read as weakened alerting', () => {
    const raised = edited('  server_error_rate: 2%\n', '  server_error_rate: 10%\n');
    const head = compile(raised.replace('  notify:\n    - email: oncall@example.com\n', ''));
    expect(changesOf(base, head)).toEqual([
      { section: 'alerts', subject: 'alerts', action: 'changed', message: 'alerts: 5xx rate alarm 2% → 10%', flags: ['loosens-security'] },
      { section: 'alerts', subject: 'alerts', action: 'removed', message: 'alerts: notify email oncall@example.com removed', flags: ['loosens-security'] },
    ]);
  });
});
