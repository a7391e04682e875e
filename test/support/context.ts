/**
 * A HandlerContext for tests: the real pipeline with deterministic, inspectable
 * dependencies (fixed clock and randomness, in-memory log, real HTTP client).
 */
import type { HandlerContext, RuntimeDeps } from '../../runtime/core/context.ts';
import { createHttpClient } from '../../runtime/http/client.ts';
import type { LogSink, RequestRecord } from '../../runtime/log/types.ts';
import type { Plan } from '../../runtime/plan.ts';
import { limitMemory } from '../../runtime/policies/limits.ts';
import { createBreakers } from '../../runtime/routing/breaker.ts';
import { noteRecord } from './secret-scan.ts';

/** A log sink that keeps records in memory (and notes each for the file's secret scan). */
export function memoryLog(): LogSink & { readonly records: RequestRecord[] } {
  const records: RequestRecord[] = [];
  return {
    records,
    write: (r) => {
      records.push(r);
      noteRecord(r);
      return Promise.resolve();
    },
  };
}

/** Runtime dependencies for `plan`, each replaceable. */
export function testDeps(plan: Plan, overrides: Partial<RuntimeDeps> = {}): RuntimeDeps {
  return {
    plan,
    clock: { now: () => Date.now() },
    secrets: () => Promise.reject(new Error('no secrets in these tests')),
    env: {},
    upstream: createHttpClient(),
    random: () => 0.5,
    breakers: createBreakers(),
    log: memoryLog(),
    store: null,
    limitMemory: limitMemory(),
    ...overrides,
  };
}

/** A per-request context over `deps` whose post-response work can be awaited with `settle()`. */
export function testContext(deps: RuntimeDeps): HandlerContext & { settle(): Promise<void> } {
  const pending: Promise<unknown>[] = [];
  return {
    ...deps,
    waitUntil: (work) => void pending.push(work),
    clientIp: '127.0.0.1',
    requestId: null,
    settle: async () => void (await Promise.allSettled(pending)),
  };
}
