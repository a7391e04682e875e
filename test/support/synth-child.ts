/** Synthesizes a Plan file into a directory in a separate process (determinism test). Usage: synth-child.ts <plan.json> <outdir> */
import { readFileSync } from 'node:fs';
import { synthesize } from '../../infra/synthesize.ts';
import type { Plan } from '../../runtime/plan.ts';

const [planFile, outdir] = process.argv.slice(2);
if (!planFile || !outdir) throw new Error('usage: synth-child.ts <plan.json> <outdir>');
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
process.stdout.write(`${JSON.stringify(synthesize(plan, outdir))}\n`);
