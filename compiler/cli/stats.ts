/**
 * `sluice stats [--since 24h] [--by route] [--dir .sluice/logs] [--json]`: a summary of the
 * request records that `sluice dev` appends under `.sluice/logs/`, one row per route,
 * consumer, provider, model, status or endpoint: requests, 5xx and 4xx rates, p50/p95
 * latency (nearest rank), cache hit rate, tokens and cost. Only the day files that can hold
 * records in the window are read, line by line; lines that are not records are counted.
 * @module
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { NDJSON_FILE } from '../../runtime/log/ndjson.ts';
import { choice, parseCommandArgs, stringOption } from './args.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';

/** What rows can be grouped by. */
export const STATS_DIMENSIONS = ['route', 'consumer', 'provider', 'model', 'status', 'endpoint'] as const;
/** One grouping of `--by`. */
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const SINCE_HELP = 'a duration like 30m, 1h or 2d, or an ISO time like 2025-01-31 or 2025-01-31T09:00Z (UTC unless it has an offset)';
/** The label of records whose grouping field is null (no route matched, no consumer, no provider answered). */
const NONE = '(none)';

/** The start of the window in epoch ms: `<n>m|h|d` before `now`, or an ISO date or time. */
export function parseSince(value: string, now: number): number {
  const ago = /^(\d{1,6})([mhd])$/.exec(value);
  if (ago) {
    const n = Number(ago[1]);
    if (n === 0) throw new UsageError(`stats: --since must be longer than 0, e.g. 1h`);
    return now - n * UNIT_MS[ago[2] as keyof typeof UNIT_MS];
  }
  const iso = ISO_TIME.exec(value);
  if (iso) {
    // A time without a zone is UTC, like the records and the file names.
    const t = Date.parse(value.includes('T') && iso[2] === undefined ? `${value}Z` : value);
    // Date.parse rolls 2025-02-30 over to March; the round trip of the day catches it.
    const day = Date.parse(iso[1]!);
    if (!Number.isNaN(t) && !Number.isNaN(day) && new Date(day).toISOString().slice(0, 10) === iso[1]) return t;
  }
  throw new UsageError(`stats: --since "${value}" is not ${SINCE_HELP}`);
}

/** The fields of a request record that stats reads; a line without them is not a record. */
interface StatsRecord {
  readonly time: number;
  readonly status: number;
  readonly latencyMs: number;
  readonly cache: unknown;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number | null;
  readonly hasUsage: boolean;
  readonly key: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Reads one NDJSON line as a version-1 record, or null when it is not one. */
export function parseRecordLine(line: string, by: StatsDimension): StatsRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(value) || value.v !== 1 || typeof value.time !== 'string') return null;
  const time = Date.parse(value.time);
  const { status, latencyMs } = value;
  if (Number.isNaN(time) || !Number.isInteger(status) || typeof latencyMs !== 'number' || !Number.isFinite(latencyMs)) return null;
  const usage = isObject(value.usage) ? value.usage : null;
  const group = value[by];
  return {
    time,
    status: status as number,
    latencyMs,
    cache: value.cache,
    tokensIn: count(usage?.promptTokens),
    tokensOut: count(usage?.completionTokens),
    costUsd: typeof value.costUsd === 'number' && Number.isFinite(value.costUsd) ? value.costUsd : null,
    hasUsage: usage !== null,
    key: typeof group === 'string' || typeof group === 'number' ? String(group) : NONE,
  };
}

/** The value at percentile `p` (0-100] of ascending `sorted` by nearest rank: the ⌈p·n/100⌉-th smallest. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(1, Math.ceil((p * sorted.length) / 100)) - 1]!;
}

/** One row of the summary (a group, or the total). */
export interface StatsRow {
  readonly requests: number;
  readonly errors5xx: number;
  readonly errorRate5xx: number;
  readonly errors4xx: number;
  readonly errorRate4xx: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  /** Hits over hits + misses; null when no request looked in the cache. */
  readonly cacheHitRate: number | null;
  readonly tokensIn: number;
  readonly tokensOut: number;
  /** Sum of the priced requests' cost. */
  readonly costUsd: number;
  /** Requests with token usage but no price (their cost is not in `costUsd`). */
  readonly unpricedRequests: number;
}

/** Running sums of one group. */
class Tally {
  requests = 0;
  errors5xx = 0;
  errors4xx = 0;
  readonly latencies: number[] = [];
  cacheHits = 0;
  cacheMisses = 0;
  tokensIn = 0;
  tokensOut = 0;
  costUsd = 0;
  unpriced = 0;

  add(r: StatsRecord): void {
    this.requests++;
    if (r.status >= 500) this.errors5xx++;
    else if (r.status >= 400) this.errors4xx++;
    this.latencies.push(r.latencyMs);
    if (r.cache === 'HIT') this.cacheHits++;
    if (r.cache === 'MISS') this.cacheMisses++;
    this.tokensIn += r.tokensIn;
    this.tokensOut += r.tokensOut;
    if (r.costUsd !== null) this.costUsd += r.costUsd;
    else if (r.hasUsage) this.unpriced++;
  }

  row(): StatsRow {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const lookups = this.cacheHits + this.cacheMisses;
    return {
      requests: this.requests,
      errors5xx: this.errors5xx,
      errorRate5xx: this.errors5xx / this.requests,
      errors4xx: this.errors4xx,
      errorRate4xx: this.errors4xx / this.requests,
      p50Ms: nearestRank(sorted, 50),
      p95Ms: nearestRank(sorted, 95),
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
      cacheHitRate: lookups === 0 ? null : this.cacheHits / lookups,
      tokensIn: this.tokensIn,
      tokensOut: this.tokensOut,
      // Sums of small floats: 1e-10 USD is below any price.
      costUsd: Math.round(this.costUsd * 1e10) / 1e10,
      unpricedRequests: this.unpriced,
    };
  }
}

/** The summary `stats` prints, and its `--json` output. */
export interface StatsReport {
  readonly since: string;
  readonly by: StatsDimension;
  readonly dir: string;
  /** Most requests first, then by name. */
  readonly groups: readonly (StatsRow & { readonly group: string })[];
  /** Null when no record is in the window. */
  readonly total: StatsRow | null;
  /** Lines in the files read that are not version-1 request records (blank lines aside). */
  readonly skippedLines: number;
}

/** The day files that can hold records at or after `since`, oldest first; null when `dir` does not exist. */
async function filesSince(dir: string, shown: string, since: number): Promise<string[] | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new UsageError(code === 'ENOTDIR' ? `stats: ${shown} is not a directory` : `stats: cannot read ${shown} (${code ?? 'error'})`);
  }
  const firstDay = new Date(since).toISOString().slice(0, 10);
  return names
    .filter((name) => {
      const day = NDJSON_FILE.exec(name)?.[1];
      return day !== undefined && day >= firstDay;
    })
    .sort();
}

/** Streams one file's lines into the tallies. */
async function readFile(path: string, shown: string, by: StatsDimension, since: number, groups: Map<string, Tally>, total: Tally): Promise<number> {
  let skipped = 0;
  const input = createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      const r = parseRecordLine(line, by);
      if (!r) skipped++;
      else if (r.time >= since) {
        let tally = groups.get(r.key);
        if (!tally) groups.set(r.key, (tally = new Tally()));
        tally.add(r);
        total.add(r);
      }
    }
  } catch (err) {
    throw new UsageError(`stats: cannot read ${shown} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    input.destroy();
  }
  return skipped;
}

/** Reads the records in `dir` since `since` and summarizes them by `by`; null when `dir` does not exist. */
export async function collectStats(dir: string, shown: string, since: number, by: StatsDimension): Promise<StatsReport | null> {
  const files = await filesSince(dir, shown, since);
  if (files === null) return null;
  const groups = new Map<string, Tally>();
  const total = new Tally();
  let skippedLines = 0;
  for (const name of files) skippedLines += await readFile(join(dir, name), join(shown, name), by, since, groups, total);
  const rows = [...groups].map(([group, tally]) => ({ group, ...tally.row() }));
  rows.sort((a, b) => b.requests - a.requests || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  return { since: new Date(since).toISOString(), by, dir: shown, groups: rows, total: total.requests > 0 ? total.row() : null, skippedLines };
}

const percent = (rate: number | null): string => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);
const ms = (v: number | null): string => (v === null ? '–' : String(Math.round(v)));
const int = (v: number): string => v.toLocaleString('en-US');
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
/** Control characters from a file never reach the terminal. */
const printable = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

/** `marks`: whether any row carries the unpriced mark, so the others get a space in its place and the digits align. */
function cells(label: string, r: StatsRow, marks: boolean): string[] {
  const cost = `${r.costUsd.toFixed(4)}${r.unpricedRequests > 0 ? '*' : marks ? ' ' : ''}`;
  return [printable(label), int(r.requests), percent(r.errorRate5xx), percent(r.errorRate4xx), ms(r.p50Ms), ms(r.p95Ms), percent(r.cacheHitRate), int(r.tokensIn), int(r.tokensOut), cost];
}

/** An ISO time without milliseconds, for people. */
const shortTime = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

/** The report as an aligned text table with a total row and footnotes; `window` (e.g. `24h`) is shown next to the start time. */
export function formatStatsTable(report: StatsReport & { readonly total: StatsRow }, window?: string): string {
  const header = [report.by, 'requests', '5xx', '4xx', 'p50 ms', 'p95 ms', 'cache hit', 'tokens in', 'tokens out', 'cost USD'];
  const marks = report.total.unpricedRequests > 0;
  const body = report.groups.map((g) => cells(g.group, g, marks));
  const total = cells('total', report.total, marks);
  const widths = header.map((h, i) => Math.max(h.length, ...[...body, total].map((row) => row[i]!.length)));
  const line = (row: readonly string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const since = `${shortTime(report.since)}${window ? ` (last ${window})` : ''}`;
  const out = [`Requests since ${since} in ${printable(report.dir)}, by ${report.by}:`, '', line(header), ...body.map(line), rule, line(total), ''];
  if (report.total.unpricedRequests > 0) {
    out.push(`* ${plural(report.total.unpricedRequests, 'request', 'requests')} used tokens on a model without a price; not in the cost.`);
  }
  out.push(...footer(report));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function footer(report: StatsReport): string[] {
  return report.skippedLines > 0 ? [`${plural(report.skippedLines, 'line', 'lines')} skipped (not records).`] : [];
}

/** Runs `stats`: exit 0 with a table (or a friendly line when there is nothing to show), 2 on usage errors. */
export async function statsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const options = { since: { type: 'string' }, by: { type: 'string' }, dir: { type: 'string' }, json: { type: 'boolean' }, format: { type: 'string' } } as const;
  const { values } = parseCommandArgs('stats', argv, options, 0);
  const format = choice('stats', 'format', values.format, ['text', 'json'] as const, values.json === true ? 'json' : 'text');
  if (values.json === true && format !== 'json') throw new UsageError('stats: --json and --format text contradict each other');
  const by = choice('stats', 'by', values.by, STATS_DIMENSIONS, 'route');
  const sinceArg = stringOption(values, 'since') ?? '24h';
  const since = parseSince(sinceArg, io.now);
  const dirArg = stringOption(values, 'dir') ?? join('.sluice', 'logs');
  if (dirArg === '') throw new UsageError('stats: --dir must not be empty');
  const dir = resolve(io.cwd, dirArg);
  const shown = relative(io.cwd, dir) || '.';
  const report = await collectStats(dir, shown, since, by);
  const sinceText = shortTime(new Date(since).toISOString());
  if (format === 'json') {
    const empty: StatsReport = { since: new Date(since).toISOString(), by, dir: shown, groups: [], total: null, skippedLines: 0 };
    io.stdout.write(`${JSON.stringify(report ?? empty, null, 2)}\n`);
    if (!report?.total) io.stderr.write(`${emptyMessage(report, shown, sinceText)}\n`);
    return EXIT.ok;
  }
  if (report?.total) {
    io.stdout.write(formatStatsTable({ ...report, total: report.total }, /^\d+[mhd]$/.test(sinceArg) ? sinceArg : undefined));
    return EXIT.ok;
  }
  io.stdout.write(`${[emptyMessage(report, shown, sinceText), ...(report ? footer(report) : [])].join('\n')}\n`);
  return EXIT.ok;
}

function emptyMessage(report: StatsReport | null, shown: string, since: string): string {
  const where = report === null ? `${shown} (it does not exist yet)` : shown;
  return `No requests since ${since} in ${where}; run \`sluice dev\` and send some.`;
}
