/** Scenarios for the prices section: edits are reported, never flagged. */
import { describe } from 'vitest';
import { editPlan, makePlan, route } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const p = (subject: string, message: string) => ch('prices', subject, 'changed', message);

describe('diff: prices', () => {
  runScenarios([
    {
      name: 'a price lowered is neutral (accounting, not spend)',
      head: makePlan({ prices: { 'openai/gpt-4o': { input: 1.25, output: 5 } } }),
      changes: [p('price openai/gpt-4o', 'price openai/gpt-4o: input $2.50/M → $1.25/M, output $10/M → $5/M')],
    },
    {
      name: 'a price raised and its source changed are neutral',
      head: makePlan({ prices: { 'openai/gpt-4o-mini': { cachedInput: 0.1, source: 'spec' } } }),
      changes: [p('price openai/gpt-4o-mini', 'price openai/gpt-4o-mini: cached input $0.075/M → $0.10/M, source builtin → spec')],
    },
    {
      name: "prices that come and go with a route's models are part of the route's change",
      head: editPlan((plan) => {
        plan.routes.extra = route('extra', 'openai/o3');
        plan.prices['openai/o3'] = { input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2, reasoning: 8, source: 'builtin' };
      }),
      changes: [ch('routes', 'route extra', 'added', 'route extra: added: openai/o3', ['raises-spend'])],
    },
  ]);
});
