/**
 * The NDJSON sink of `sluice dev`: one whole line per record under concurrency, one file per
 * UTC day, a bounded queue that drops and counts, and a failing disk reported once, never thrown.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNdjsonSink, devLogDir, ndjsonFileFor } from '../../runtime/log/ndjson.ts';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { sampleRecord } from '../support/records.ts';

const record = sampleRecord;

/** Collects what the sink reports. */
function capture(): { write(text: string): void; readonly text: string[] } {
  const text: string[] = [];
  return { text, write: (t) => void text.push(t) };
}

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'sluice-ndjson-'));
const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').slice(0, -1);

describe('createNdjsonSink', () => {
  it('creates the directory and appends one JSON line per record to the UTC day file', async () => {
    const dir = join(tempDir(), '.sluice', 'logs');
    const sink = createNdjsonSink(dir);
    const r = record();
    await sink.write(r);
    await sink.write(record({ requestId: 'req-2' }));
    await sink.close();
    expect(readdirSync(dir)).toEqual(['2025-03-01.ndjson']);
    const written = lines(join(dir, '2025-03-01.ndjson'));
    expect(written.map((l) => JSON.parse(l) as RequestRecord)).toEqual([r, { ...r, requestId: 'req-2' }]);
    expect(sink.lost()).toEqual({ dropped: 0, failed: 0 });
  });

  it('starts the day file again when it is deleted or moved away while the sink is open', async () => {
    const dir = tempDir();
    const file = join(dir, '2025-03-01.ndjson');
    const sink = createNdjsonSink(dir);
    await sink.write(record({ requestId: 'before' }));
    rmSync(file);
    // The open file is checked against its path at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    await sink.write(record({ requestId: 'after-delete' }));
    renameSync(file, join(dir, 'rotated.ndjson.1'));
    await new Promise((r) => setTimeout(r, 1100));
    await sink.write(record({ requestId: 'after-rotate' }));
    await sink.close();
    expect(lines(file).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['after-rotate']);
    expect(lines(join(dir, 'rotated.ndjson.1')).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['after-delete']);
    expect(sink.lost()).toEqual({ dropped: 0, failed: 0 });
  });

  it('keeps every line whole and in order when many large records arrive at once', async () => {
    const dir = tempDir();
    const sink = createNdjsonSink(dir, { maxPending: 1000 });
    const body = 'x'.repeat(100_000); // larger than a pipe buffer, so a torn write would show
    await Promise.all(Array.from({ length: 300 }, (_, i) => sink.write(record({ requestId: `req-${i}`, requestBody: body }))));
    await sink.close();
    const written = lines(join(dir, '2025-03-01.ndjson')).map((l) => JSON.parse(l) as RequestRecord);
    expect(written.map((r) => r.requestId)).toEqual(Array.from({ length: 300 }, (_, i) => `req-${i}`));
    expect(written.every((r) => r.requestBody === body)).toBe(true);
  });

  it('gathers records for flushMs and writes them together; close() writes what waits at once', async () => {
    const dir = tempDir();
    const file = join(dir, '2025-03-01.ndjson');
    const sink = createNdjsonSink(dir, { flushMs: 60_000 });
    let settled = 0;
    const writes = [sink.write(record({ requestId: 'a' })), sink.write(record({ requestId: 'b' }))].map((p) => p.then(() => void settled++));
    await new Promise((r) => setTimeout(r, 100));
    // Still waiting: nothing on disk, no write promise settled.
    expect(readdirSync(dir)).toEqual([]);
    expect(settled).toBe(0);
    await sink.close();
    await Promise.all(writes);
    expect(settled).toBe(2);
    expect(lines(file).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['a', 'b']);
  });

  it("with ack 'queued', resolves a write once queued and leaves the disk to close()", async () => {
    const dir = tempDir();
    const file = join(dir, '2025-03-01.ndjson');
    const sink = createNdjsonSink(dir, { flushMs: 60_000, ack: 'queued' });
    await sink.write(record({ requestId: 'a' }));
    await sink.write(record({ requestId: 'b' }));
    // Both writes settled while nothing is on disk yet.
    expect(readdirSync(dir)).toEqual([]);
    await sink.close();
    expect(lines(file).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['a', 'b']);
    expect(() => createNdjsonSink(dir, { ack: 'later' as 'queued' })).toThrow(/ack/);
  });

  it('writes without waiting for flushMs once 64 KiB wait, and at once with flushMs 0', async () => {
    const dir = tempDir();
    const file = join(dir, '2025-03-01.ndjson');
    const big = createNdjsonSink(dir, { flushMs: 60_000 });
    await big.write(record({ requestId: 'big', requestBody: 'x'.repeat(70 * 1024) }));
    expect(lines(file).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['big']);
    await big.close();
    const eager = createNdjsonSink(dir, { flushMs: 0 });
    await eager.write(record({ requestId: 'eager' }));
    expect(lines(file).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['big', 'eager']);
    await eager.close();
    expect(() => createNdjsonSink(dir, { flushMs: -1 })).toThrow(/flushMs/);
  });

  it('writes records on both sides of UTC midnight to two files', async () => {
    const dir = tempDir();
    const sink = createNdjsonSink(dir);
    await Promise.all([
      sink.write(record({ requestId: 'before', time: '2025-03-01T23:59:59.999Z' })),
      sink.write(record({ requestId: 'after', time: '2025-03-02T00:00:00.000Z' })),
      sink.write(record({ requestId: 'before-2', time: '2025-03-01T23:59:59.000Z' })),
    ]);
    await sink.close();
    expect(readdirSync(dir).sort()).toEqual(['2025-03-01.ndjson', '2025-03-02.ndjson']);
    expect(lines(join(dir, '2025-03-01.ndjson')).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['before', 'before-2']);
    expect(lines(join(dir, '2025-03-02.ndjson')).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['after']);
  });

  it('names the file by the UTC day, whatever the offset in the time', () => {
    expect(ndjsonFileFor({ time: '2025-03-01T23:30:00-02:00' })).toBe('2025-03-02.ndjson');
    expect(ndjsonFileFor({ time: 'not a time' }, Date.parse('2025-04-05T06:00:00Z'))).toBe('2025-04-05.ndjson');
  });

  it('names the file of a toISOString() time by its first ten characters, as Date.parse would', () => {
    const now = Date.parse('2025-04-05T06:00:00Z');
    const byDate = (time: string): string => {
      const t = Date.parse(time);
      return `${new Date(Number.isNaN(t) ? now : t).toISOString().slice(0, 10)}.ndjson`;
    };
    // Every day of a leap and a common year, at the two ends of the day, and years at the edges.
    const times: string[] = [];
    for (const year of [2024, 2025]) {
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
        times.push(new Date(t).toISOString(), new Date(t + 86_399_999).toISOString());
      }
    }
    times.push('1900-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z');
    // Look-alikes that are not real times go through Date.parse, as before (V8 reads 30 February as 2 March).
    times.push('2025-02-30T00:00:00.000Z', '2025-02-29T12:00:00.000Z', '2025-04-31T00:00:00.000Z', '2025-13-01T00:00:00.000Z', '2025-01-01T24:00:00.000Z', '2025-01-01T23:59:60.000Z', '2025-01-01T00:00:00.000', ' 2025-01-01T00:00:00.000Z');
    for (const time of times) expect(ndjsonFileFor({ time }, now), time).toBe(byDate(time));
  });

  it('reports an unwritable directory once on stderr, without a stack, and never rejects', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), 'a file where the log directory should go');
    const stderr = capture();
    const sink = createNdjsonSink(join(root, 'file', 'logs'), { stderr });
    const results = await Promise.allSettled([sink.write(record()), sink.write(record())]);
    await sink.write(record());
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(stderr.text).toEqual([`sluice: request records cannot be written to ${join(root, 'file', 'logs')} (a parent is not a directory); requests are still served, their records are lost\n`]);
    expect(sink.lost()).toEqual({ dropped: 0, failed: 3 });
    await sink.close();
    expect(stderr.text[1]).toBe(`sluice: 3 request records were not written to ${join(root, 'file', 'logs')} (0 dropped, 3 failed)\n`);
    expect(stderr.text.join('')).not.toMatch(/\n\s+at /);
  });

  it('keeps at most maxPending records waiting and drops the rest, counted and reported once', async () => {
    const dir = tempDir();
    const stderr = capture();
    const sink = createNdjsonSink(dir, { maxPending: 2, stderr });
    // The first is being appended, the second waits; the next three find the queue full.
    await Promise.all(Array.from({ length: 5 }, (_, i) => sink.write(record({ requestId: `req-${i}` }))));
    await sink.close();
    expect(lines(join(dir, '2025-03-01.ndjson')).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['req-0', 'req-1']);
    expect(sink.lost()).toEqual({ dropped: 3, failed: 0 });
    expect(stderr.text.filter((t) => t.includes('dropping'))).toHaveLength(1);
  });

  it('waits for queued records on close and drops what comes after', async () => {
    const dir = tempDir();
    const sink = createNdjsonSink(dir, { stderr: capture() });
    void sink.write(record({ requestId: 'queued' }));
    await sink.close();
    await sink.write(record({ requestId: 'late' }));
    expect(lines(join(dir, '2025-03-01.ndjson')).map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['queued']);
    expect(sink.lost().dropped).toBe(1);
  });

  it('starts a new line after a failed append so one failure does not spoil the next record', async () => {
    const root = tempDir();
    const dir = join(root, 'logs');
    writeFileSync(dir, 'in the way');
    const sink = createNdjsonSink(dir, { stderr: capture() });
    await sink.write(record({ requestId: 'lost' }));
    rmSync(dir);
    await sink.write(record({ requestId: 'kept' }));
    await sink.close();
    const text = readFileSync(join(dir, '2025-03-01.ndjson'), 'utf8');
    expect(text.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['kept']);
    expect(sink.lost()).toEqual({ dropped: 0, failed: 1 });
  });

  it('refuses an invalid maxPending when built', () => {
    expect(() => createNdjsonSink(tempDir(), { maxPending: 0 })).toThrow('maxPending must be a whole number of at least 1, not 0');
  });

  it("puts sluice dev's records under <cwd>/.sluice/logs", () => {
    expect(devLogDir('/project')).toBe(join('/project', '.sluice', 'logs'));
  });
});
