/**
 * Request records to a Firehose delivery stream: one NDJSON line per Firehose record (so the
 * S3 objects are NDJSON for Athena), writes of one tick sent together with PutRecordBatch.
 * Delivery is best effort and bounded in time: failed records are retried briefly, then
 * dropped and counted, and after a failure Firehose is skipped for a cool-down, so an outage
 * never holds an invocation for longer than one flush bound. The SDK is loaded on the first
 * flush, so a cold start does not pay for it.
 * @module
 */
import type { FirehoseClient, FirehoseClientConfig } from '@aws-sdk/client-firehose';
import { systemClock, type Clock } from '../core/context.ts';
import type { MetricsEmitter } from './metrics.ts';
import type { LogSink, RequestRecord } from './types.ts';
import { merged } from '../merged.ts';

type Sdk = typeof import('@aws-sdk/client-firehose');

/** PutRecordBatch limits (fixed by AWS). */
export const FIREHOSE_LIMITS = {
  /** Records per call. */
  batchRecords: 500,
  /** Bytes of data per call. */
  batchBytes: 4 * 1024 * 1024,
  /** Bytes of one record, before base64. */
  recordBytes: 1000 * 1024,
} as const;

/** Options of `createFirehoseSink`. */
export interface FirehoseSinkOptions {
  /** Name of the delivery stream. */
  readonly streamName: string;
  /**
   * The client. Pass one built with `firehoseClientConfig` so its timeouts match.
   * @default a client for the environment's region and credentials, made on the first flush
   */
  readonly client?: FirehoseClient;
  /** @default the wall clock */
  readonly clock?: Clock;
  /** Uniform [0, 1) numbers for backoff jitter. @default Math.random */
  readonly random?: () => number;
  /** Bound on one PutRecordBatch call. @default 1500 */
  readonly callTimeoutMs?: number;
  /** Bound on one flush, retries included. @default 3000 */
  readonly flushTimeoutMs?: number;
  /** Calls per batch, the first included. @default 3 */
  readonly attempts?: number;
  /** After a flush that dropped records, later flushes skip Firehose (and drop) for this long. @default 30000 */
  readonly coolDownMs?: number;
  /** Counts dropped records (the LogRecordsDropped metric). */
  readonly metrics?: Pick<MetricsEmitter, 'dropped'>;
}

/** A log sink over Firehose. */
export interface FirehoseSink extends LogSink {
  /** Resolves once the record's batch is delivered or given up (and counted); never rejects. */
  write(record: RequestRecord): Promise<void>;
  /** Sends what is queued now and waits for every send under way; never rejects. */
  flush(): Promise<void>;
  hold(): void;
  release(): void;
}

const DEFAULTS = { callTimeoutMs: 1500, flushTimeoutMs: 3000, attempts: 3, coolDownMs: 30_000 } as const;
/** First backoff ceiling; doubles per retry (full jitter). */
const BACKOFF_BASE_MS = 50;
/** Below this much time left, another call is not worth starting. */
const MIN_CALL_MS = 50;

/** Client settings that bound a call at the HTTP layer too, and leave retrying to the sink. */
export function firehoseClientConfig(callTimeoutMs: number = DEFAULTS.callTimeoutMs): FirehoseClientConfig {
  return {
    maxAttempts: 1,
    requestHandler: { connectionTimeout: callTimeoutMs, requestTimeout: callTimeoutMs, throwOnRequestTimeout: true },
  };
}

interface Queued {
  readonly record: RequestRecord;
  readonly settle: () => void;
}

/** A record ready to send. */
interface Entry {
  readonly data: Uint8Array;
}

/** What a batch (or a flush) did not deliver, and why. */
interface Loss {
  count: number;
  reason: string;
}

/** The record as one NDJSON line; bodies removed (and `truncated: true`) when too big; null when still too big. */
export function encodeRecord(record: RequestRecord): Uint8Array | null {
  const full = Buffer.from(`${JSON.stringify(record)}\n`);
  if (full.byteLength <= FIREHOSE_LIMITS.recordBytes) return full;
  const cut: Record<string, unknown> = merged(record, { truncated: true });
  delete cut.requestBody;
  delete cut.responseBody;
  const line = Buffer.from(`${JSON.stringify(cut)}\n`);
  return line.byteLength <= FIREHOSE_LIMITS.recordBytes ? line : null;
}

/** Splits entries into calls within the record-count and byte limits, in order. */
export function toBatches<T extends { readonly data: Uint8Array }>(entries: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (current.length === FIREHOSE_LIMITS.batchRecords || bytes + e.data.byteLength > FIREHOSE_LIMITS.batchBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += e.data.byteLength;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** An error's name (or Node error code) fit for a log line: no message, nothing from the record. */
function reasonOf(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown } | null;
  const name = typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) ? e.code : e?.name;
  return cleanReason(name);
}

function cleanReason(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : 'error';
}

/** Client errors that another try cannot fix (missing stream, bad input, no permission). */
function retryable(err: unknown): boolean {
  const e = err as { $fault?: unknown; name?: unknown } | null;
  return e?.$fault !== 'client' || (typeof e.name === 'string' && /Throttl|ServiceUnavailable|LimitExceeded/.test(e.name));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `call` with a signal aborted after `ms`; settles by then even if the call ignores the signal. */
async function bounded<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' }));
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A sink that sends request records to a Firehose delivery stream. */
export function createFirehoseSink(options: FirehoseSinkOptions): FirehoseSink {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULTS.callTimeoutMs;
  const flushTimeoutMs = options.flushTimeoutMs ?? DEFAULTS.flushTimeoutMs;
  const attempts = Math.max(1, options.attempts ?? DEFAULTS.attempts);
  const coolDownMs = options.coolDownMs ?? DEFAULTS.coolDownMs;
  let sdk: Promise<{ sdk: Sdk; client: FirehoseClient }> | undefined;
  let queue: Queued[] = [];
  let scheduled = false;
  let coolUntil = 0;
  let coolReason = '';
  const inFlight = new Set<Promise<void>>();

  const load = (): Promise<{ sdk: Sdk; client: FirehoseClient }> => {
    sdk ??= import('@aws-sdk/client-firehose').then((m) => ({ sdk: m, client: options.client ?? new m.FirehoseClient(firehoseClientConfig(callTimeoutMs)) }));
    return sdk;
  };

  /** One PutRecordBatch call: the entries it did not take (retry them), or a thrown error. */
  async function put(entries: readonly Entry[], ms: number): Promise<{ failed: Entry[]; reason: string }> {
    const { sdk: m, client } = await load();
    const command = new m.PutRecordBatchCommand({ DeliveryStreamName: options.streamName, Records: entries.map((e) => ({ Data: e.data })) });
    const out = await bounded(ms, (abortSignal) => client.send(command, { abortSignal }));
    const answers = out.RequestResponses ?? [];
    let reason = '';
    const failed = entries.filter((_, i) => {
      const code = answers[i]?.ErrorCode;
      // A missing answer is a failure too: the record's fate is unknown, and a duplicate beats a loss.
      if (answers[i] && !code) return false;
      reason = cleanReason(code ?? 'NoAnswer');
      return true;
    });
    return { failed, reason };
  }

  /** Sends one batch, retrying what failed while attempts and time are left; returns what was lost. */
  async function sendBatch(batch: readonly Entry[], deadline: number): Promise<Loss> {
    let pending: readonly Entry[] = batch;
    let reason = 'timeout';
    for (let n = 0; n < attempts && pending.length > 0; n++) {
      if (n > 0) {
        const wait = random() * BACKOFF_BASE_MS * 2 ** (n - 1);
        if (clock.now() + wait + MIN_CALL_MS > deadline) break;
        await sleep(wait);
      }
      const left = deadline - clock.now();
      if (left < MIN_CALL_MS) break;
      try {
        const result = await put(pending, Math.min(callTimeoutMs, left));
        pending = result.failed;
        reason = result.reason || reason;
      } catch (err) {
        reason = reasonOf(err);
        if (!retryable(err)) break;
      }
    }
    return { count: pending.length, reason };
  }

  function report(loss: Loss): void {
    if (loss.count === 0) return;
    try {
      options.metrics?.dropped(loss.count);
    } catch {
      // counted nowhere else; the console line below still says it
    }
    console.error(`sluice: ${loss.count} request record${loss.count === 1 ? '' : 's'} not delivered to Firehose (${loss.reason})`);
  }

  /** Sends the batches of one flush side by side; what they lost, and the start of a cool-down if anything was. */
  async function send(entries: readonly Entry[], deadline: number): Promise<Loss> {
    const results = await Promise.all(
      toBatches(entries).map((batch) => sendBatch(batch, deadline).catch((err: unknown): Loss => ({ count: batch.length, reason: reasonOf(err) }))),
    );
    const failed = results.filter((r) => r.count > 0);
    if (failed.length === 0) return { count: 0, reason: '' };
    coolUntil = clock.now() + coolDownMs;
    coolReason = failed[0]!.reason;
    return { count: failed.reduce((sum, r) => sum + r.count, 0), reason: coolReason };
  }

  /** Delivers a set of queued records; their writes settle once every batch is delivered or given up and counted. */
  async function deliver(items: readonly Queued[]): Promise<void> {
    const started = clock.now();
    const entries: Entry[] = [];
    let tooLarge = 0;
    for (const item of items) {
      const data = encodeRecord(item.record);
      if (data) entries.push({ data });
      else tooLarge++;
    }
    let loss: Loss = { count: 0, reason: '' };
    if (entries.length > 0 && started < coolUntil) loss = { count: entries.length, reason: `cool-down after ${coolReason}` };
    else if (entries.length > 0) loss = await send(entries, started + flushTimeoutMs);
    if (tooLarge > 0) loss = { count: loss.count + tooLarge, reason: loss.reason || 'record too large' };
    report(loss);
  }

  function flush(): Promise<void> {
    const items = queue;
    queue = [];
    if (items.length > 0) {
      const work = deliver(items)
        .catch(() => undefined)
        .finally(() => {
          for (const item of items) item.settle();
        });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    }
    return Promise.all(inFlight).then(() => undefined);
  }

  let held = false;

  function write(record: RequestRecord): Promise<void> {
    return new Promise<void>((resolve) => {
      queue.push({ record, settle: resolve });
      if (scheduled || held) return;
      scheduled = true;
      // Writes made in the same turn of the event loop go out together.
      setImmediate(() => {
        scheduled = false;
        void flush();
      });
    });
  }

  return {
    write,
    flush,
    hold: () => void (held = true),
    release() {
      held = false;
      if (queue.length > 0) void flush();
    },
  };
}
