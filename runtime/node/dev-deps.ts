/**
 * The runtime's dependencies for `sluice dev`: provider keys from environment variables,
 * no Secrets Manager, the real HTTP client, per-process breakers.
 * @module
 */
import { systemClock, type RuntimeDeps } from '../core/context.ts';
import { createHttpClient } from '../http/client.ts';
import { nullLog, type LogSink } from '../log/types.ts';
import type { Plan } from '../plan.ts';
import { limitMemory } from '../policies/limits.ts';
import { createBreakers } from '../routing/breaker.ts';
import type { Store } from '../store/types.ts';

/** Dependencies for serving `plan` on a developer machine; `store` is the embedded state store, when the Plan needs one. */
export function devDeps(plan: Plan, env: Readonly<Record<string, string | undefined>>, log: LogSink = nullLog, store: Store | null = null): RuntimeDeps {
  return {
    plan,
    clock: systemClock,
    secrets: (id) => Promise.reject(new Error(`secret ${id} is not read by sluice dev`)),
    env,
    upstream: createHttpClient(),
    random: Math.random,
    breakers: createBreakers(),
    log,
    store,
    limitMemory: limitMemory(),
  };
}
