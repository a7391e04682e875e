/**
 * Limits and budgets at request time: which of the Plan's limits apply, one conditional
 * increment (or lease) each, all in parallel; a refusal undoes what the others admitted so
 * counters stay as they were; tokens and budgets reserve the worst case and settle to the
 * real usage after the response. Rate-limit headers in OpenAI's names on every answer.
 * @module
 */
import { createHash } from 'node:crypto';
import type { HeaderReader } from '../core/request.ts';
import type { LimitDecision } from '../log/types.ts';
import type { JsonObject, Usage } from '../openai/types.ts';
import type { Plan, PlanConsumer, PlanLimit, PlanRoute, PlanScope } from '../plan.ts';
import { estimatePromptTokens } from '../core/usage.ts';
import type { CounterOp, Lease, LeaseResult, Store } from '../store/types.ts';
import { costMicroUsd, worstPrice } from './cost.ts';
import { expiryOf, formatReset, previousWindow, windowAt, type WindowSpan } from './windows.ts';
import { merged } from '../merged.ts';

/** Output tokens reserved when the request sets no maximum. */
export const DEFAULT_OUTPUT_RESERVE = 4096;
/** A crashed holder's concurrency lease stops counting after at most two epochs of this length. */
export const LEASE_EPOCH_MS = 15 * 60_000;

/** The facts of a request that limits look at. */
export interface LimitRequest {
  readonly plan: Plan;
  readonly route: PlanRoute;
  readonly consumer: PlanConsumer | null;
  readonly clientIp: string | null;
  readonly headers: HeaderReader;
  /** The canonical chat (or embeddings) body. */
  readonly body: JsonObject;
  readonly now: number;
}

/** Why a request was refused. */
export interface Refusal {
  readonly code: 'rate_limited' | 'budget_exceeded' | 'too_many_concurrent' | 'store_unavailable';
  readonly message: string;
  readonly retryAfterS: number | null;
}

/** An admitted request: its rate-limit headers, and what to settle once it is answered. */
export interface Admission {
  readonly headers: Readonly<Record<string, string>>;
  /** Settles reservations to real usage (null: nothing was used) and releases leases. Never throws. */
  /** `usage` null: nothing was used (refund reservations); `'reserved'`: usage unknown, keep what was reserved. */
  settle(usage: Usage | null | 'reserved', served: string | null): Promise<void>;
}

/** The decision about a request, with what each applicable limit decided (for the request record). */
export type Gate =
  | { readonly ok: true; readonly admission: Admission; readonly decisions: readonly LimitDecision[] }
  | { readonly ok: false; readonly refusal: Refusal; readonly headers: Readonly<Record<string, string>>; readonly decisions: readonly LimitDecision[] };

/** One applicable limit, worked out for this request. */
interface Planned {
  readonly limit: PlanLimit;
  readonly key: string;
  readonly span: WindowSpan | null;
  /** Counter units: requests, tokens, or micro-USD. */
  readonly amount: number;
  /** The limit in counter units, less what the previous window still counts (sliding). */
  readonly ceiling: number;
}

type Outcome =
  | { readonly p: Planned; readonly kind: 'counter'; readonly admitted: boolean; readonly value: number; readonly shardKey: string }
  | { readonly p: Planned; readonly kind: 'lease'; readonly result: LeaseResult }
  | { readonly p: Planned; readonly kind: 'error' };

function applies(limit: PlanLimit, route: PlanRoute, consumer: PlanConsumer | null): boolean {
  if (!limit.routes.includes(route.name)) return false;
  if (limit.consumers === null) return true;
  return consumer !== null && limit.consumers.includes(consumer.name);
}

function scopeValue(scope: PlanScope, req: LimitRequest): string {
  switch (scope.kind) {
    case 'consumer':
      return `c:${req.consumer?.name ?? ''}`;
    case 'route':
      return `r:${req.route.name}`;
    case 'ip':
      return `i:${req.clientIp ?? ''}`;
    case 'global':
      return 'g';
    case 'header':
      return `h:${req.headers.get(scope.header) ?? ''}`;
  }
}

/** Counter identity: the limit id and a hash of its scope values (no IPs or header values in keys). */
function counterKey(limit: PlanLimit, req: LimitRequest): string {
  const values = limit.scope.map((s) => scopeValue(s, req)).join('\u0000');
  return `${limit.id}#${createHash('sha256').update(values).digest('hex').slice(0, 32)}`;
}

function maxOutput(body: JsonObject): number {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === 'number' && v > 0 ? v : DEFAULT_OUTPUT_RESERVE;
}

function amountOf(limit: PlanLimit, req: LimitRequest): number {
  switch (limit.kind) {
    case 'requests':
    case 'concurrent':
      return 1;
    case 'tokens':
      return estimatePromptTokens(req.body) + maxOutput(req.body);
    case 'budget_usd': {
      const worst = worstPrice(req.plan.prices, req.route.targets);
      return Math.ceil(estimatePromptTokens(req.body) * worst.input + maxOutput(req.body) * worst.output);
    }
  }
}

/** Limit amounts in counter units (budgets in micro-USD). */
function unitsOf(limit: PlanLimit): number {
  return limit.kind === 'budget_usd' ? Math.round(limit.amount * 1_000_000) : limit.amount;
}

/** Shard `i`'s share of a limit split over `shards` counters (the shares add up to the limit). */
function shardShare(total: number, shards: number, i: number): number {
  return Math.floor(total / shards) + (i < total % shards ? 1 : 0);
}

/** The policy's state in one instance: previous-window counts of sliding limits (they no longer grow). */
export interface LimitMemory {
  readonly previous: Map<string, number>;
}

/** Fresh per-instance memory. */
export function limitMemory(): LimitMemory {
  return { previous: new Map() };
}

/** The applicable limits, and whether some sliding limit's previous window could not be read (it then counts as empty). */
async function plan(req: LimitRequest, store: Store, memory: LimitMemory, timeoutMs: number): Promise<{ planned: Planned[]; unread: boolean }> {
  const planned: Planned[] = [];
  const reads: { index: number; key: string; window: string; weight: number }[] = [];
  for (const limit of req.plan.limits) {
    if (!applies(limit, req.route, req.consumer)) continue;
    const span = limit.window === null ? null : windowAt(limit.window, req.now);
    const key = counterKey(limit, req);
    planned.push({ limit, key, span, amount: amountOf(limit, req), ceiling: unitsOf(limit) });
    if (limit.algorithm === 'sliding' && span !== null) {
      const prev = previousWindow(span);
      const weight = 1 - (req.now - span.start) / (span.end - span.start);
      reads.push({ index: planned.length - 1, key, window: prev.id, weight });
    }
  }
  // Sliding limits also count the previous window, weighted by how much of it still overlaps.
  const missing = reads.filter((r) => !memory.previous.has(`${r.key}|${r.window}`));
  let unread = false;
  if (missing.length > 0) {
    try {
      const values = await store.read(
        missing.flatMap((r) => shardKeys(planned[r.index]!).map((k) => ({ key: k, window: r.window }))),
        timeoutMs,
      );
      let i = 0;
      if (memory.previous.size > 10_000) memory.previous.clear();
      for (const r of missing) {
        const n = shardKeys(planned[r.index]!).length;
        memory.previous.set(`${r.key}|${r.window}`, values.slice(i, i + n).reduce((a, b) => a + b, 0));
        i += n;
      }
    } catch {
      unread = true; // the previous windows not read count as empty below
    }
  }
  for (const r of reads) {
    const p = planned[r.index]!;
    planned[r.index] = merged(p, { ceiling: p.ceiling - Math.ceil((memory.previous.get(`${r.key}|${r.window}`) ?? 0) * r.weight) });
  }
  return { planned, unread };
}

function shardKeys(p: Planned): string[] {
  return p.limit.shards <= 1 ? [p.key] : Array.from({ length: p.limit.shards }, (_, i) => `${p.key}#s${i}`);
}

function counterOp(p: Planned, shard: number): CounterOp {
  const shards = p.limit.shards;
  return {
    key: shards <= 1 ? p.key : `${p.key}#s${shard}`,
    window: p.span!.id,
    amount: p.amount,
    limit: shards <= 1 ? p.ceiling : shardShare(p.ceiling, shards, shard),
    expiresAt: expiryOf(p.span!),
  };
}

/**
 * Tries one shard; when it is full, the other shards one at a time until one admits. Not in
 * parallel: a parallel round can win several shards and must give the extras back, and while
 * it holds them a concurrent request can find every shard full and be refused with room left.
 * One at a time, a refusal means every shard was full when it was tried.
 */
async function incrementCounter(p: Planned, store: Store, random: () => number, timeoutMs: number): Promise<Outcome> {
  const shards = Math.max(1, p.limit.shards);
  const first = Math.floor(random() * shards);
  const op = counterOp(p, first);
  const [r] = await store.increment([op], timeoutMs);
  if (r!.admitted || shards === 1) return { p, kind: 'counter', admitted: r!.admitted, value: r!.value, shardKey: op.key };
  for (let i = 1; i < shards; i++) {
    const next = counterOp(p, (first + i) % shards);
    const [x] = await store.increment([next], timeoutMs);
    if (x!.admitted) return { p, kind: 'counter', admitted: true, value: x!.value, shardKey: next.key };
  }
  return { p, kind: 'counter', admitted: false, value: p.ceiling, shardKey: op.key };
}

async function attemptAll(planned: readonly Planned[], store: Store, now: number, random: () => number, timeoutMs: number): Promise<Outcome[]> {
  return Promise.all(
    planned.map(async (p): Promise<Outcome> => {
      try {
        if (p.limit.kind === 'concurrent') return { p, kind: 'lease', result: await store.acquire({ key: p.key, limit: p.ceiling, epochMs: LEASE_EPOCH_MS, now }, timeoutMs) };
        if (p.amount > p.ceiling && p.limit.shards <= 1) return { p, kind: 'counter', admitted: false, value: p.ceiling, shardKey: p.key };
        return await incrementCounter(p, store, random, timeoutMs);
      } catch {
        return { p, kind: 'error' };
      }
    }),
  );
}

function admitted(o: Outcome): boolean {
  if (o.kind === 'error') return o.p.limit.onStoreError === 'open';
  return o.kind === 'lease' ? o.result.admitted : o.admitted;
}

/** Puts back what admitted outcomes took (the request is refused after all). */
async function undo(outcomes: readonly Outcome[], store: Store, timeoutMs: number): Promise<void> {
  const work: Promise<unknown>[] = [];
  for (const o of outcomes) {
    if (o.kind === 'counter' && o.admitted) work.push(store.add([{ key: o.shardKey, window: o.p.span!.id, amount: -o.p.amount, expiresAt: expiryOf(o.p.span!) }], timeoutMs));
    if (o.kind === 'lease' && o.result.admitted) work.push(store.release(o.result.lease, timeoutMs));
  }
  await Promise.allSettled(work);
}

function refusalOf(o: Outcome, now: number): Refusal {
  const l = o.p.limit;
  if (o.kind === 'error') return { code: 'store_unavailable', message: `Limit "${l.id}" could not be checked, and it refuses requests when the store is unavailable.`, retryAfterS: 1 };
  const retryAfterS = o.p.span ? Math.max(1, Math.ceil((o.p.span.end - now) / 1000)) : 1;
  const when = o.p.span ? ` Try again in ${formatReset(o.p.span.end - now)}.` : ' Try again when a request of yours has finished.';
  switch (l.kind) {
    case 'budget_usd':
      return { code: 'budget_exceeded', message: `Budget "${l.id}" of $${l.amount} is used up for this period.${when}`, retryAfterS };
    case 'concurrent':
      return { code: 'too_many_concurrent', message: `Limit "${l.id}": at most ${l.amount} requests at once.${when}`, retryAfterS };
    default:
      return { code: 'rate_limited', message: `Rate limit "${l.id}" reached: ${l.amount} ${l.kind} per window.${when}`, retryAfterS };
  }
}

/** OpenAI-style rate-limit headers for the tightest requests and tokens limits. */
function rateHeaders(outcomes: readonly Outcome[], now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    let best: { limit: number; remaining: number; reset: number } | null = null;
    for (const o of outcomes) {
      if (o.kind !== 'counter' || o.p.limit.kind !== kind || !o.p.span) continue;
      // A sharded counter only knows its own shard: what is left there, times the shards, estimates the whole.
      const shards = Math.max(1, o.p.limit.shards);
      const left = shards === 1 ? o.p.ceiling - o.value : Math.floor((o.p.ceiling / shards - o.value) * shards);
      const remaining = Math.max(0, o.admitted ? Math.min(o.p.ceiling, left) : 0);
      if (!best || remaining < best.remaining) best = { limit: o.p.limit.amount, remaining, reset: o.p.span.end - now };
    }
    if (best) {
      headers[`x-ratelimit-limit-${kind}`] = String(best.limit);
      headers[`x-ratelimit-remaining-${kind}`] = String(best.remaining);
      headers[`x-ratelimit-reset-${kind}`] = formatReset(best.reset);
    }
  }
  return headers;
}

function settler(req: LimitRequest, outcomes: readonly Outcome[], store: Store, timeoutMs: number): Admission['settle'] {
  return async (usage, served) => {
    const adds = [];
    const leases: Lease[] = [];
    for (const o of outcomes) {
      if (o.kind === 'lease' && o.result.admitted) leases.push(o.result.lease);
      if (o.kind !== 'counter' || !o.admitted || !o.p.span) continue;
      const l = o.p.limit;
      if (usage === 'reserved') continue;
      let actual: number | null = null;
      if (l.kind === 'tokens') actual = usage ? usage.prompt_tokens + usage.completion_tokens : 0;
      if (l.kind === 'budget_usd') {
        const price = served === null ? undefined : req.plan.prices[served];
        actual = usage && price ? costMicroUsd(price, usage) : usage ? o.p.amount : 0;
      }
      if (actual !== null && actual !== o.p.amount) adds.push({ key: o.shardKey, window: o.p.span.id, amount: actual - o.p.amount, expiresAt: expiryOf(o.p.span) });
    }
    const work: Promise<unknown>[] = leases.map((lease) => store.release(lease, timeoutMs));
    if (adds.length > 0) work.push(store.add(adds, timeoutMs));
    const results = await Promise.allSettled(work);
    if (results.some((r) => r.status === 'rejected')) console.error('sluice: a limit could not be settled (store unavailable)');
  };
}

const NOTHING_TO_SETTLE: Admission = { headers: {}, settle: () => Promise.resolve() };

/**
 * The gate of a request no limit applies to (or of a gateway without a store), known without
 * a store call; null when `admit` has work to do. Lets the common unlimited request skip a
 * promise round.
 */
export function openGate(plan: Plan, route: PlanRoute, consumer: PlanConsumer | null, store: Store | null): Gate | null {
  return store === null || !limitsApply(plan, route, consumer) ? openGateOf() : null;
}

function limitsApply(plan: Plan, route: PlanRoute, consumer: PlanConsumer | null): boolean {
  return plan.limits.some((l) => applies(l, route, consumer));
}

function openGateOf(): Gate {
  return { ok: true, admission: NOTHING_TO_SETTLE, decisions: [] };
}

/** Decides whether a request may go ahead under every limit that applies to it. */
export async function admit(req: LimitRequest, store: Store | null, memory: LimitMemory, random: () => number): Promise<Gate> {
  if (store === null || !limitsApply(req.plan, req.route, req.consumer)) return openGateOf();
  const timeoutMs = req.plan.gateway.runtime.storeTimeoutMs;
  const { planned, unread } = await plan(req, store, memory, timeoutMs);
  if (unread) {
    // The previous windows of sliding limits could not be read: they count as empty (every
    // limit is still tried in its current window), but limits that fail closed must not admit on a guess.
    const closed = planned.find((p) => p.limit.algorithm === 'sliding' && p.limit.onStoreError === 'closed');
    if (closed) {
      const refusal: Refusal = { code: 'store_unavailable', message: `Limit "${closed.limit.id}" could not be checked, and it refuses requests when the store is unavailable.`, retryAfterS: 1 };
      return { ok: false, refusal, headers: {}, decisions: [{ id: closed.limit.id, kind: closed.limit.kind, decision: 'store_error_closed', limit: closed.limit.amount, remaining: null }] };
    }
  }
  const outcomes = await attemptAll(planned, store, req.now, random, timeoutMs);
  const headers = rateHeaders(outcomes, req.now);
  const decisions = outcomes.map(decisionOf);
  const refused = outcomes.find((o) => !admitted(o));
  if (refused) {
    await undo(outcomes, store, timeoutMs);
    return { ok: false, refusal: refusalOf(refused, req.now), headers, decisions };
  }
  return { ok: true, admission: { headers, settle: settler(req, outcomes, store, timeoutMs) }, decisions };
}

/** What one limit decided, in the limit's own units (USD for budgets); remaining is unknown for sharded counters. */
function decisionOf(o: Outcome): LimitDecision {
  const l = o.p.limit;
  const base = { id: l.id, kind: l.kind, limit: l.amount };
  if (o.kind === 'error') return merged(base, { decision: l.onStoreError === 'open' ? 'store_error_open' : 'store_error_closed', remaining: null });
  const ok = admitted(o);
  const value = o.kind === 'lease' ? o.result.value : o.value;
  const units = l.shards <= 1 ? Math.max(0, o.p.ceiling - value) : null;
  const remaining = units === null ? null : l.kind === 'budget_usd' ? units / 1_000_000 : units;
  return merged(base, { decision: ok ? 'admitted' : 'refused', remaining });
}
