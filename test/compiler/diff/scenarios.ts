/** Scenario-table runner for section tests: diff two Plans and compare the exact changes. */
import { expect, it } from 'vitest';
import { diffPlans } from '../../../compiler/diff/index.ts';
import type { ChangeAction, DiffFlag, DiffSection } from '../../../compiler/diff/index.ts';
import type { Plan } from '../../../runtime/plan.ts';
import { DEFAULT_PLAN } from './plan-factory.ts';

/** The asserted part of a change. */
export interface ExpectedChange {
  readonly section: DiffSection;
  readonly subject: string;
  readonly action: ChangeAction;
  readonly message: string;
  readonly flags: readonly DiffFlag[];
}

/** One row of a scenario table. `base` defaults to the factory's default Plan. */
export interface Scenario {
  readonly name: string;
  readonly base?: Plan;
  readonly head: Plan;
  readonly changes: readonly ExpectedChange[];
}

/** Builds an expected change; `message` is the full line, subject included. */
export function ch(section: DiffSection, subject: string, action: ChangeAction, message: string, flags: readonly DiffFlag[] = []): ExpectedChange {
  return { section, subject, action, message, flags };
}

/** The asserted fields of the changes of diffPlans(base, head). */
export function changesOf(base: Plan, head: Plan): ExpectedChange[] {
  return diffPlans(base, head).changes.map(({ section, subject, action, message, flags }) => ({ section, subject, action, message, flags }));
}

/** One `it` per scenario, asserting the exact list of changes. */
export function runScenarios(scenarios: readonly Scenario[]): void {
  for (const s of scenarios) {
    it(s.name, () => {
      expect(changesOf(s.base ?? DEFAULT_PLAN, s.head)).toEqual(s.changes);
    });
  }
}
