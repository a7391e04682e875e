/**
 * Request records as NDJSON files, for `sluice dev`: one JSON line per record, appended to
 * `<dir>/<YYYY-MM-DD>.ndjson` by the UTC day the request arrived. One queue serializes the
 * appends, so concurrent requests never interleave lines. The day's file stays open between
 * appends (opening it per append was most of a record's cost); it is reopened on a new day,
 * after a failure, and when it was deleted or moved away. Records are gathered for up to
 * `flushMs` (or until 64 KiB wait) and written with one call: a write per record was the
 * largest cost of a request in `sluice dev`. The queue is bounded: a slow disk costs records
 * (counted), never memory. A failing disk is reported once and never thrown. `close()` writes
 * what waits at once.
 * @module
 */
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogSink, RequestRecord } from './types.ts';

/** Where `sluice dev` keeps request records for a project: `<cwd>/.sluice/logs` (git-ignored with the rest of `.sluice/`). */
export function devLogDir(cwd: string): string {
  return join(cwd, '.sluice', 'logs');
}

/** How often, at most, an open day file is checked to still be the one at its path (deleted or rotated away). */
const REOPEN_CHECK_MS = 1000;

/** Waiting lines of at least this many characters are written without waiting for `flushMs`. */
const FLUSH_CHARS = 64 * 1024;

/** How a record's file is named: the UTC day of its `time`. */
export const NDJSON_FILE = /^(\d{4}-\d{2}-\d{2})\.ndjson$/;

/** Options of {@link createNdjsonSink}. */
export interface NdjsonSinkOptions {
  /**
   * Records waiting for the disk at most; a record that arrives while this many wait is
   * dropped and counted.
   * @default 1000
   */
  readonly maxPending?: number;
  /**
   * How long a record may wait to be written together with the ones after it, in ms; 0 writes
   * each as soon as the previous write is done.
   * @default 50
   */
  readonly flushMs?: number;
  /**
   * When `write` resolves: `written` once the record is on disk (or dropped or failed);
   * `queued` as soon as it is serialized and queued, leaving durability to `close()`. A
   * server uses `queued` so a request's post-response work does not hold the request's state
   * for the `flushMs` its record waits.
   * @default 'written'
   */
  readonly ack?: 'written' | 'queued';
  /**
   * Where the one-line reports go (append failure, first drop, the loss count at close).
   * @default process.stderr
   */
  readonly stderr?: { write(text: string): unknown };
}

/** Records that did not reach the disk. */
export interface LostRecords {
  /** Dropped because `maxPending` records were already waiting (or written after close). */
  readonly dropped: number;
  /** Lost to an append error (or not serializable). */
  readonly failed: number;
}

/** A LogSink over NDJSON files. */
export interface NdjsonSink extends LogSink {
  /** Resolves once the record is on disk, dropped or failed (or, with `ack: 'queued'`, once queued); never rejects. */
  write(record: RequestRecord): Promise<void>;
  /** What was lost so far. */
  lost(): LostRecords;
  /** Waits for the queued records, reports any loss once, and drops what is written afterwards. */
  close(): Promise<void>;
}

const NOTHING = (): void => {};

interface Queued {
  readonly file: string;
  readonly line: string;
  readonly done: () => void;
}

/**
 * A UTC time as `Date.prototype.toISOString()` writes it (years 0000–9999), on days 1–28 of a
 * month, which every month has; the rest go through Date.parse as before (V8 reads 30 February as 2 March).
 */
const CANONICAL_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** The file a record goes to: its UTC day, or today's when its time does not parse. */
export function ndjsonFileFor(record: Pick<RequestRecord, 'time'>, now: number = Date.now()): string {
  // The runtime writes times with toISOString(): the day is their first ten characters.
  if (CANONICAL_TIME.test(record.time)) return `${record.time.slice(0, 10)}.ndjson`;
  const t = Date.parse(record.time);
  return `${new Date(Number.isNaN(t) ? now : t).toISOString().slice(0, 10)}.ndjson`;
}

/** The short reason of a file-system error, without paths or stack. */
function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
    ENOTDIR: 'a parent is not a directory',
    EEXIST: 'a file is in the way',
    EISDIR: 'a directory is in the way',
  };
  return (code && known[code]) ?? code ?? 'write failed';
}

/**
 * Creates a sink that appends each record as one line to `<dir>/<UTC day>.ndjson`, creating
 * `dir` on the first write. Throws only for invalid options.
 * @example
 *   const log = createNdjsonSink(devLogDir(process.cwd()));
 *   await log.write(record);
 *   await log.close();
 */
export function createNdjsonSink(dir: string, options: NdjsonSinkOptions = {}): NdjsonSink {
  const maxPending = options.maxPending ?? 1000;
  if (!Number.isInteger(maxPending) || maxPending < 1) throw new Error(`maxPending must be a whole number of at least 1, not ${maxPending}`);
  const flushMs = options.flushMs ?? 50;
  if (!Number.isFinite(flushMs) || flushMs < 0) throw new Error(`flushMs must be a number of at least 0, not ${flushMs}`);
  const stderr = options.stderr ?? process.stderr;
  const ack = options.ack ?? 'written';
  if (ack !== 'written' && ack !== 'queued') throw new Error(`ack must be 'written' or 'queued', not ${String(ack)}`);
  const queue: Queued[] = [];
  /** Characters in `queue`. */
  let queuedChars = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const reported = new Set<string>();
  let inFlight = 0;
  let draining: Promise<void> | null = null;
  let dirReady = false;
  /** After a failed append the file may end in part of a line: the next append starts a new one. */
  let brokenLine = false;
  let closed = false;
  let dropped = 0;
  let failed = 0;

  const reportOnce = (kind: string, message: string): void => {
    if (reported.has(kind)) return;
    reported.add(kind);
    stderr.write(`sluice: ${message}\n`);
  };

  /** The open day file, and when it was last checked to still be the file at its path. */
  let current: { file: string; handle: FileHandle; inode: number; checkedAt: number } | null = null;

  const closeCurrent = async (): Promise<void> => {
    const c = current;
    current = null;
    await c?.handle.close().catch(() => undefined);
  };

  /** The handle to append `file` through: the open one, unless the day changed or the file left its path. */
  const handleFor = async (file: string): Promise<FileHandle> => {
    const now = Date.now();
    if (current && current.file === file) {
      if (now - current.checkedAt < REOPEN_CHECK_MS) return current.handle;
      const onDisk = await stat(join(dir, file)).catch(() => null);
      if (onDisk && onDisk.ino === current.inode) {
        current.checkedAt = now;
        return current.handle;
      }
    }
    await closeCurrent();
    if (!dirReady) {
      await mkdir(dir, { recursive: true });
      dirReady = true;
    }
    const handle = await open(join(dir, file), 'a');
    try {
      current = { file, handle, inode: (await handle.stat()).ino, checkedAt: now };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
    return handle;
  };

  const append = async (file: string, text: string, count: number): Promise<void> => {
    try {
      const handle = await handleFor(file);
      await handle.appendFile(brokenLine ? `\n${text}` : text);
      brokenLine = false;
    } catch (err) {
      await closeCurrent();
      dirReady = false;
      brokenLine = true;
      failed += count;
      reportOnce('append', `request records cannot be written to ${dir} (${reason(err)}); requests are still served, their records are lost`);
    }
  };

  /** Appends the queue in order, one call per run of records for the same file. */
  const drainQueue = async (): Promise<void> => {
    while (queue.length > 0) {
      const file = queue[0]!.file;
      let n = 1;
      while (n < queue.length && queue[n]!.file === file) n++;
      const batch = queue.splice(0, n);
      for (const q of batch) queuedChars -= q.line.length;
      inFlight = batch.length;
      await append(file, batch.map((q) => q.line).join(''), batch.length);
      inFlight = 0;
      for (const q of batch) q.done();
    }
  };

  const kick = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    draining ??= drainQueue().finally(() => {
      draining = null;
      if (queue.length > 0) schedule();
    });
  };

  /** Starts a write now when enough waits (or on close), else once `flushMs` has passed. */
  const schedule = (): void => {
    if (draining) return; // the running drain picks the new lines up, or schedules them when it ends
    if (closed || flushMs === 0 || queuedChars >= FLUSH_CHARS) return kick();
    if (timer) return;
    timer = setTimeout(kick, flushMs);
    // A waiting record never keeps a process alive; close() writes it.
    timer.unref?.();
  };

  const enqueue = (file: string, line: string, done: () => void): void => {
    queue.push({ file, line, done });
    queuedChars += line.length;
    schedule();
  };

  const write = (record: RequestRecord): Promise<void> => {
    if (closed || queue.length + inFlight >= maxPending) {
      dropped++;
      if (!closed) reportOnce('drop', `request records arrive faster than ${dir} takes them; dropping those beyond ${maxPending} waiting`);
      return Promise.resolve();
    }
    let line: string;
    try {
      line = `${JSON.stringify(record)}\n`;
    } catch {
      failed++;
      reportOnce('serialize', 'a request record could not be serialized and was not written');
      return Promise.resolve();
    }
    if (ack === 'queued') {
      enqueue(ndjsonFileFor(record), line, NOTHING);
      return Promise.resolve();
    }
    return new Promise<void>((done) => enqueue(ndjsonFileFor(record), line, done));
  };

  const close = async (): Promise<void> => {
    closed = true;
    if (queue.length > 0) kick();
    while (draining) await draining;
    await closeCurrent();
    const lost = dropped + failed;
    if (lost > 0) reportOnce('close', `${lost} request record${lost === 1 ? ' was' : 's were'} not written to ${dir} (${dropped} dropped, ${failed} failed)`);
  };

  return { write, lost: () => ({ dropped, failed }), close };
}
