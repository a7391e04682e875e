/**
 * What `handle` depends on besides the request: the Plan and the side-effecting services,
 * passed explicitly so the pipeline is a function of them (tests pass their own).
 * @module
 */
import type { UpstreamClient } from '../http/types.ts';
import type { LogSink } from '../log/types.ts';
import type { Plan } from '../plan.ts';
import type { LimitMemory } from '../policies/limits.ts';
import type { BreakerBoard } from '../routing/breaker.ts';
import type { Store } from '../store/types.ts';

/** Source of the current time, injectable so tests control it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Reads a Secrets Manager secret (name or ARN) as a string; implementations cache. */
export type SecretGetter = (secretId: string) => Promise<string>;

/** Long-lived dependencies of the request pipeline, built once per process (cold start). */
export interface RuntimeDeps {
  readonly plan: Plan;
  readonly clock: Clock;
  readonly secrets: SecretGetter;
  /** Environment variables for `{ env }` credentials (only `sluice dev` passes any). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Sends requests to providers over HTTP. */
  readonly upstream: UpstreamClient;
  /** Uniform random numbers in [0, 1), for jitter and load balancing. */
  readonly random: () => number;
  /** Circuit breakers of this instance. */
  readonly breakers: BreakerBoard;
  /** Where request records go after the response. */
  readonly log: LogSink;
  /** The state store (limits, budgets, cache); null when the Plan needs none. */
  readonly store: Store | null;
  /** Per-instance memory of the limit policy. */
  readonly limitMemory: LimitMemory;
}

/** Per-request additions made by the adapter that serves the request. */
export interface RequestScope {
  /** Registers work that must finish before the invocation ends, after the response. */
  waitUntil(work: Promise<unknown>): void;
  /** The caller's IP as the adapter saw it (null when unknown). */
  readonly clientIp: string | null;
  /** A request id from the platform (API Gateway), reused when present. */
  readonly requestId: string | null;
}

/** Everything `handle` receives besides the request. */
export type HandlerContext = RuntimeDeps & RequestScope;

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
