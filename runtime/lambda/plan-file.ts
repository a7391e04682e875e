/** Loads the Plan embedded next to the bundle (`plan.json`) at cold start. */
import { readFileSync } from 'node:fs';
import { PLAN_FORMAT, type Plan } from '../plan.ts';

/** Reads and checks the Plan at `url`; throws (failing the cold start loudly) when it is missing or of another format. */
export function loadPlanFile(url: URL): Plan {
  const parsed: unknown = JSON.parse(readFileSync(url, 'utf8'));
  if (!isPlan(parsed)) {
    throw new Error(`${url.pathname} is not a ${PLAN_FORMAT} Plan.`);
  }
  return parsed;
}

function isPlan(value: unknown): value is Plan {
  if (typeof value !== 'object' || value === null) return false;
  const { format, hash } = value as { format?: unknown; hash?: unknown };
  return format === PLAN_FORMAT && typeof hash === 'string';
}
