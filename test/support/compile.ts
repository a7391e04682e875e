/**
 * Compiles gateway.yaml text into a Plan for runtime tests, failing loudly on errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSource } from '../../compiler/index.ts';
import type { Plan } from '../../runtime/plan.ts';

/** The Plan of a spec; throws with the diagnostics when it has errors. */
export function planFrom(yaml: string, stage?: string): Plan {
  const r = compileSource(yaml, { file: 'test.yaml', now: Date.UTC(2026, 10, 25), ...(stage ? { stage } : {}) });
  if (!r.plan) throw new Error(`test spec does not compile:\n${r.diagnostics.map((d) => `${d.start.line}:${d.start.col} ${d.code} ${d.message}`).join('\n')}`);
  return r.plan;
}

/** The Plan of one of the examples. */
export function examplePlan(name: 'quickstart' | 'multi-provider', stage?: string): Plan {
  return planFrom(readFileSync(join(import.meta.dirname, '..', '..', 'examples', `${name}.yaml`), 'utf8'), stage);
}
