/**
 * The runtime's dependencies for `sluice dev`: provider keys from environment variables,
 * no Secrets Manager, the real HTTP client, per-process breakers.
 * @module
 */
import { systemClock, type RuntimeDeps } from '../core/context.ts';
import { createHttpClient } from '../http/client.ts';
import { nullLog, type LogSink } from '../log/types.ts';
import type { Plan } from '../plan.ts';
import { createBreakers } from '../routing/breaker.ts';

/** Dependencies for serving `plan` on a developer machine. */
export function devDeps(plan: Plan, env: Readonly<Record<string, string | undefined>>, log: LogSink = nullLog): RuntimeDeps {
  return {
    plan,
    clock: systemClock,
    secrets: (id) => Promise.reject(new Error(`secret ${id} is not read by sluice dev`)),
    env,
    upstream: createHttpClient(),
    random: Math.random,
    breakers: createBreakers(),
    log,
  };
}
