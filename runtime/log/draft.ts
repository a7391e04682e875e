/**
 * The record of one request while it is served: every stage adds what it learned, and the
 * adapter-facing `handle` (or the end of a stream) turns it into a RequestRecord. Nothing
 * secret goes in: no keys, no authorization headers, bodies only redacted and only when the
 * spec asks.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Plan, PlanConsumer } from '../plan.ts';
import { redactor, redactValue } from './redact.ts';
import type { AttemptRecord, LimitDecision, RecordEndpoint, RequestRecord, UsageRecord } from './types.ts';

/** Longest body kept in a record, in characters; longer ones are cut and marked. */
export const MAX_LOGGED_BODY_CHARS = 262_144;

function capped(text: string): string {
  return text.length > MAX_LOGGED_BODY_CHARS ? `${text.slice(0, MAX_LOGGED_BODY_CHARS)}…[cut at ${MAX_LOGGED_BODY_CHARS} characters]` : text;
}

const redactors = new WeakMap<Plan, (text: string) => string>();

function redactorOf(plan: Plan): (text: string) => string {
  let r = redactors.get(plan);
  if (!r) {
    r = redactor(plan.logging.redact);
    redactors.set(plan, r);
  }
  return r;
}

/** The second `isoTime` formatted last, and its text up to the milliseconds ("…T12:34:56."). */
let isoSecond = Number.NaN;
let isoPrefix = '';

/**
 * `new Date(ms).toISOString()`, formatting each second once: records of one second share all
 * but their milliseconds (toISOString was ~1 µs of every request). Throws as toISOString does
 * for a time a Date cannot hold.
 */
export function isoTime(ms: number): string {
  const t = Math.trunc(ms); // what a Date keeps of a fractional time
  const second = Math.floor(t / 1000);
  if (second !== isoSecond) {
    const text = new Date(t).toISOString(); // throws a RangeError for NaN and out-of-range times
    isoPrefix = text.slice(0, -4);
    isoSecond = second;
  }
  const milli = t - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** Hashed IPs remembered (per gateway name) so a client's repeated requests skip the hash; bounded, oldest forgotten first. */
const IP_HASH_MEMO = 4096;
const ipHashes = new Map<string, string>();

/** The client IP as the spec wants it logged. */
export function loggedIp(plan: Plan, ip: string | null): string | null {
  if (ip === null || plan.logging.clientIp === 'none') return null;
  if (plan.logging.clientIp === 'full') return ip;
  const key = `${plan.gateway.name}:${ip}`;
  let hashed = ipHashes.get(key);
  if (hashed === undefined) {
    hashed = `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
    if (ipHashes.size >= IP_HASH_MEMO) ipHashes.delete(ipHashes.keys().next().value!);
    ipHashes.set(key, hashed);
  }
  return hashed;
}

/** The mutable draft of one request's record. */
export class RecordDraft {
  route: string | null = null;
  consumer: PlanConsumer | null = null;
  requestedModel: string | null = null;
  stream = false;
  attempts: readonly AttemptRecord[] = [];
  provider: string | null = null;
  model: string | null = null;
  errorCode: string | null = null;
  cache: RequestRecord['cache'] = null;
  limits: readonly LimitDecision[] = [];
  usage: UsageRecord | null = null;
  costUsd: number | null = null;
  ttfbMs: number | null = null;
  country: string | null = null;
  metadata: Readonly<Record<string, string>> | null = null;
  requestBody: string | undefined = undefined;
  responseBody: string | undefined = undefined;
  /** Set when the record is finished later (at the end of a stream) rather than by `handle`. */
  deferred = false;

  constructor(
    readonly plan: Plan,
    readonly requestId: string,
    readonly startedAt: number,
    readonly endpoint: RecordEndpoint,
    readonly method: string,
    readonly path: string,
    readonly clientIp: string | null,
  ) {}

  /** Keeps the request body for the record, redacted, when the spec logs bodies. */
  keepRequestBody(body: unknown): void {
    if (this.plan.logging.bodies) this.requestBody = capped(JSON.stringify(redactValue(body, redactorOf(this.plan))));
  }

  /** Keeps the answer text, redacted, when the spec logs bodies. */
  keepResponseBody(text: string): void {
    if (this.plan.logging.bodies) this.responseBody = capped(redactorOf(this.plan)(text));
  }

  /** Keeps the `x-sluice-metadata` values, redacted, when the spec logs metadata. */
  keepMetadata(metadata: Readonly<Record<string, string>>): void {
    if (this.plan.logging.metadata && Object.keys(metadata).length > 0) this.metadata = redactValue(metadata, redactorOf(this.plan)) as Record<string, string>;
  }

  /** The finished record. */
  finish(status: number, now: number): RequestRecord {
    const plan = this.plan;
    return {
      v: 1,
      time: isoTime(this.startedAt),
      requestId: this.requestId,
      gateway: plan.gateway.name,
      stage: plan.gateway.stage,
      planHash: plan.hash,
      endpoint: this.endpoint,
      method: this.method,
      path: this.path.length > 200 ? `${this.path.slice(0, 200)}…` : this.path,
      route: this.route,
      consumer: this.consumer?.name ?? null,
      clientIp: loggedIp(plan, this.clientIp),
      country: this.country,
      requestedModel: this.requestedModel,
      stream: this.stream,
      attempts: this.attempts,
      provider: this.provider,
      model: this.model,
      status,
      errorCode: this.errorCode,
      cache: this.cache,
      limits: this.limits,
      usage: this.usage,
      costUsd: this.costUsd,
      latencyMs: now - this.startedAt,
      ttfbMs: this.ttfbMs ?? (status < 400 ? now - this.startedAt : null),
      metadata: this.metadata,
      ...(this.requestBody !== undefined ? { requestBody: this.requestBody } : {}),
      ...(this.responseBody !== undefined ? { responseBody: this.responseBody } : {}),
    };
  }
}
