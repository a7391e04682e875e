/**
 * The state store the stateful policies use: exact counters for limits and budgets, leases
 * for concurrency caps, and cache entries. One implementation (DynamoDB) serves AWS,
 * `sluice dev` (embedded server) and integration tests (DynamoDB Local).
 * @module
 */

/** A conditional increment: admit `amount` while the counter stays at or under `limit`. */
export interface CounterOp {
  /** Counter identity (limit id and hashed scope; shard suffix included). */
  readonly key: string;
  /** Window identity (start in ms, or a calendar period). */
  readonly window: string;
  readonly amount: number;
  /** The most the counter may hold after the increment. */
  readonly limit: number;
  /** Epoch seconds after which the counter item may be deleted. */
  readonly expiresAt: number;
}

/** Outcome of one conditional increment. */
export type CounterResult =
  | { readonly admitted: true; readonly value: number }
  | { readonly admitted: false; readonly value: number };

/** An unconditional change of a counter (settling a reservation, undoing an admission). */
export interface CounterAdd {
  readonly key: string;
  readonly window: string;
  readonly amount: number;
  readonly expiresAt: number;
}

/** A concurrency lease request. */
export interface LeaseOp {
  readonly key: string;
  readonly limit: number;
  /** Leases of crashed holders stop counting after at most two epochs of this length. */
  readonly epochMs: number;
  readonly now: number;
}

/** A held lease; hand it back to `release`. */
export interface Lease {
  readonly key: string;
  readonly slot: 'A' | 'B';
  readonly epoch: number;
}

/** Outcome of a lease request. */
export type LeaseResult = { readonly admitted: true; readonly lease: Lease; readonly value: number } | { readonly admitted: false; readonly value: number };

/** A stored cache entry with the generations it was written under. */
export interface CacheRecord {
  readonly body: Uint8Array;
  readonly generations: readonly number[];
  readonly expiresAt: number;
}

/** Everything the policies need from the store. Every method may throw StoreError. */
export interface Store {
  /** Conditional increments, all in parallel. */
  increment(ops: readonly CounterOp[], timeoutMs: number): Promise<CounterResult[]>;
  /** Unconditional adds, all in parallel (settlement, undo). */
  add(ops: readonly CounterAdd[], timeoutMs: number): Promise<void>;
  /** Current values of counters (missing: 0). */
  read(counters: readonly { readonly key: string; readonly window: string }[], timeoutMs: number): Promise<number[]>;
  acquire(op: LeaseOp, timeoutMs: number): Promise<LeaseResult>;
  release(lease: Lease, timeoutMs: number): Promise<void>;
  /** A cache entry and the current values of `generations` (missing: 0), in one call. */
  cacheGet(key: string, generations: readonly string[], timeoutMs: number): Promise<{ entry: CacheRecord | null; generations: number[] }>;
  cachePut(key: string, record: CacheRecord, timeoutMs: number): Promise<void>;
  /** Raises a generation by one (invalidating every entry written under an older one). */
  bump(generation: string, timeoutMs: number): Promise<number>;
}

/** The store failed or did not answer in time. Messages carry no keys or values. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'unavailable',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
