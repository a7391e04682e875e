/**
 * `sluice stats` as a process over record files written here, with every number worked out
 * by hand (percentiles by nearest rank: the ⌈p·n/100⌉-th smallest latency); and `sluice dev`
 * writing the record of a real OpenAI SDK request where `stats` finds it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { sampleRecord } from '../support/records.ts';
import { sluice, startDev, stopDev } from '../support/cli.ts';

/** A complete version-1 record of a served chat request; `overrides` change single fields. */
function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return sampleRecord({
    requestId: 'req',
    gateway: 'stats',
    consumer: 'team-a',
    attempts: [{ provider: 'openai', model: 'gpt-4o-mini', status: 200, errorClass: null, latencyMs: 10 }],
    provider: 'openai',
    model: 'gpt-4o-mini',
    cache: 'BYPASS',
    usage: { promptTokens: 100, completionTokens: 20, cachedTokens: 0, reasoningTokens: 0, estimated: false },
    latencyMs: 10,
    ttfbMs: 10,
    ...overrides,
  });
}

const at = (minute: number): string => new Date(Date.parse('2025-03-01T12:00:00Z') + minute * 60_000).toISOString();
const failed = { provider: null, model: null, usage: null, costUsd: null } as const;

/**
 * The day's records, after 12:00Z on 2025-03-01:
 * - chat, 10 requests, latencies 10, 20, … 100 ms: #1 a 503 (no provider answered), #2 a 429
 *   (refused by a limit), #3 answered by a model without a price, #4-#6 cache hits (cost 0),
 *   #7 a miss, #8-#10 bypass; team-a sent #1-#6, team-b #7-#10. Tokens: 8 × 100 in, 8 × 20 out.
 * - embed, 4 requests by team-b, latencies 5, 5, 7, 9 ms, no cache, 8 tokens in each, 0.0001 USD each.
 * - one 401 (no route, no consumer), 1 ms.
 */
function dayRecords(): RequestRecord[] {
  const chat = Array.from({ length: 10 }, (_, i) => {
    const n = i + 1;
    const cache = n >= 4 && n <= 6 ? 'HIT' : n === 7 ? 'MISS' : 'BYPASS';
    const r = record({ requestId: `chat-${n}`, time: at(n), latencyMs: n * 10, consumer: n <= 6 ? 'team-a' : 'team-b', cache, costUsd: cache === 'HIT' ? 0 : 0.001 });
    if (n === 1) return { ...r, ...failed, status: 503, errorCode: 'upstream_unavailable', cache: null };
    if (n === 2) return { ...r, ...failed, status: 429, errorCode: 'rate_limited', cache: null };
    return n === 3 ? { ...r, costUsd: null } : r;
  });
  const embed = [5, 5, 7, 9].map((latencyMs, i) =>
    record({ requestId: `embed-${i}`, time: at(20 + i), endpoint: 'embeddings', path: '/v1/embeddings', route: 'embed', consumer: 'team-b', provider: 'mock', model: 'embed-small', latencyMs, cache: null, usage: { promptTokens: 8, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, estimated: false }, costUsd: 0.0001 }),
  );
  const unauthorized = record({ ...failed, requestId: 'anon', time: at(30), route: null, consumer: null, status: 401, errorCode: 'invalid_api_key', cache: null, latencyMs: 1 });
  return [...chat, ...embed, unauthorized];
}

const ndjson = (records: readonly RequestRecord[]): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');

let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'sluice-stats-'));
  const logs = join(project, '.sluice', 'logs');
  mkdirSync(logs, { recursive: true });
  // Three lines that are not records (text, a JSON array, a line cut short) and a blank one (ignored).
  const junk = 'not json\n[1,2]\n\n{"v":1,"time":"2025-03-01T12:4\n';
  const day = dayRecords();
  writeFileSync(join(logs, '2025-03-01.ndjson'), ndjson(day.slice(0, 8)) + junk + ndjson(day.slice(8)));
  writeFileSync(join(logs, '2025-02-28.ndjson'), ndjson([record({ requestId: 'yesterday', time: '2025-02-28T23:00:00.000Z' })]));
  writeFileSync(join(logs, 'README.txt'), 'not a day file\n');
});

/** The table's rows as header → cell maps, keyed by the first cell (columns are 2+ spaces apart). */
function table(stdout: string): Map<string, Record<string, string>> {
  const rows = stdout.split('\n').filter((l) => /\S {2,}\S/.test(l) && !/^-+ /.test(l));
  const [header, ...body] = rows.map((l) => l.trim().split(/ {2,}/));
  const out = new Map<string, Record<string, string>>();
  for (const cells of body) out.set(cells[0]!, Object.fromEntries(header!.map((h, i) => [h, cells[i]!])));
  return out;
}

/** A row of `--json`: counts, rates, percentiles and sums (see StatsRow in compiler/cli/stats.ts). */
interface JsonRow {
  readonly requests: number;
  readonly [field: string]: number | string | null;
}

interface StatsJson {
  since: string;
  by: string;
  dir: string;
  groups: (JsonRow & { readonly group: string })[];
  total: JsonRow | null;
  skippedLines: number;
}

function statsJson(args: readonly string[], cwd = project): StatsJson {
  const r = sluice(['stats', '--json', ...args], cwd);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatsJson;
}

const SINCE = ['--since', '2025-03-01T12:00Z'];

describe('sluice stats: the table', () => {
  it('prints per-route rows and a total worked out by hand, with the skipped lines counted', () => {
    const r = sluice(['stats', ...SINCE], project);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Requests since 2025-03-01T12:00:00Z in .sluice/logs, by route:');
    const rows = table(r.stdout);
    expect([...rows.keys()]).toEqual(['chat', 'embed', '(none)', 'total']);
    expect(rows.get('chat')).toEqual({
      route: 'chat',
      requests: '10',
      '5xx': '10.0%',
      '4xx': '10.0%',
      'p50 ms': '50', // rank ⌈0.5·10⌉ = 5 → 50
      'p95 ms': '100', // rank ⌈0.95·10⌉ = 10 → 100
      'cache hit': '75.0%', // 3 hits / (3 hits + 1 miss)
      'tokens in': '800',
      'tokens out': '160',
      'cost USD': '0.0040*', // #7-#10 at 0.001; #3 unpriced
    });
    expect(rows.get('embed')).toEqual({
      route: 'embed',
      requests: '4',
      '5xx': '0.0%',
      '4xx': '0.0%',
      'p50 ms': '5', // ⌈2⌉ = 2nd of 5, 5, 7, 9
      'p95 ms': '9', // ⌈3.8⌉ = 4th
      'cache hit': '–',
      'tokens in': '32',
      'tokens out': '0',
      'cost USD': '0.0004',
    });
    expect(rows.get('(none)')).toMatchObject({ requests: '1', '5xx': '0.0%', '4xx': '100.0%', 'p50 ms': '1', 'p95 ms': '1', 'cost USD': '0.0000' });
    expect(rows.get('total')).toEqual({
      route: 'total',
      requests: '15',
      '5xx': '6.7%', // 1/15
      '4xx': '13.3%', // 2/15
      'p50 ms': '30', // ⌈7.5⌉ = 8th of 1, 5, 5, 7, 9, 10, 20, 30, …
      'p95 ms': '100', // ⌈14.25⌉ = 15th
      'cache hit': '75.0%',
      'tokens in': '832',
      'tokens out': '160',
      'cost USD': '0.0044*',
    });
    expect(r.stdout).toContain('* 1 request used tokens on a model without a price; not in the cost.');
    expect(r.stdout).toContain('3 lines skipped (not records).');
  });

  it('prints the same numbers as JSON', () => {
    const j = statsJson(SINCE);
    expect(j).toMatchObject({ since: '2025-03-01T12:00:00.000Z', by: 'route', dir: join('.sluice', 'logs'), skippedLines: 3 });
    expect(j.groups.map((g) => g.group)).toEqual(['chat', 'embed', '(none)']);
    expect(j.groups[0]).toEqual({
      group: 'chat',
      requests: 10,
      errors5xx: 1,
      errorRate5xx: 0.1,
      errors4xx: 1,
      errorRate4xx: 0.1,
      p50Ms: 50,
      p95Ms: 100,
      cacheHits: 3,
      cacheMisses: 1,
      cacheHitRate: 0.75,
      tokensIn: 800,
      tokensOut: 160,
      costUsd: 0.004,
      unpricedRequests: 1,
    });
    expect(j.groups[1]).toMatchObject({ group: 'embed', cacheHitRate: null, p50Ms: 5, p95Ms: 9, costUsd: 0.0004, unpricedRequests: 0 });
    expect(j.total).toMatchObject({ requests: 15, errors5xx: 1, errors4xx: 2, p50Ms: 30, p95Ms: 100, tokensIn: 832, tokensOut: 160, costUsd: 0.0044, unpricedRequests: 1 });
  });

  it.each([
    ['consumer', { 'team-b': 8, 'team-a': 6, '(none)': 1 }],
    ['provider', { openai: 8, mock: 4, '(none)': 3 }],
    ['model', { 'gpt-4o-mini': 8, 'embed-small': 4, '(none)': 3 }],
    ['status', { '200': 12, '401': 1, '429': 1, '503': 1 }],
    ['endpoint', { chat: 11, embeddings: 4 }],
    ['route', { chat: 10, embed: 4, '(none)': 1 }],
  ])('groups by %s', (by, expected) => {
    const j = statsJson([...SINCE, '--by', by]);
    expect(j.by).toBe(by);
    expect(Object.fromEntries(j.groups.map((g) => [g.group, g.requests]))).toEqual(expected);
    expect(j.total?.requests).toBe(15);
  });

  it('labels the first column with the grouping', () => {
    const r = sluice(['stats', ...SINCE, '--by', 'consumer'], project);
    expect(r.stdout).toMatch(/^consumer +requests +5xx +4xx +p50 ms +p95 ms +cache hit +tokens in +tokens out +cost USD$/m);
    expect(table(r.stdout).get('team-a')).toMatchObject({ requests: '6', '5xx': '16.7%', '4xx': '16.7%', 'cache hit': '100.0%' });
  });
});

describe('sluice stats: the window', () => {
  it('reads earlier day files only when the window reaches them', () => {
    expect(statsJson(['--since', '2025-03-01T12:00Z']).total?.requests).toBe(15);
    expect(statsJson(['--since', '2025-03-01']).total?.requests).toBe(15);
    expect(statsJson(['--since', '2025-02-28']).total?.requests).toBe(16);
    // 12:10Z excludes chat-1 … chat-9 (12:01-12:09); offsets are honoured.
    expect(statsJson(['--since', '2025-03-01T12:10:00Z']).total?.requests).toBe(6);
    expect(statsJson(['--since', '2025-03-01T14:10:00+02:00']).total?.requests).toBe(6);
  });

  it('takes durations back from now and skips day files before the window unread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-stats-recent-'));
    const now = Date.now();
    const put = (ago: number, id: string): void => {
      const time = new Date(now - ago).toISOString();
      const file = join(dir, `${time.slice(0, 10)}.ndjson`);
      writeFileSync(file, (existsSync(file) ? readFileSync(file, 'utf8') : '') + ndjson([record({ requestId: id, time })]));
    };
    put(10 * 60_000, 'ten-minutes');
    put(2 * 3_600_000, 'two-hours');
    put(3 * 86_400_000, 'three-days');
    const oldFile = join(dir, `${new Date(now - 3 * 86_400_000).toISOString().slice(0, 10)}.ndjson`);
    writeFileSync(oldFile, `${readFileSync(oldFile, 'utf8')}garbage\n`);
    const count = (since: string): [number | undefined, number] => {
      const j = statsJson(['--dir', dir, '--since', since]);
      return [j.total?.requests, j.skippedLines];
    };
    expect(count('30m')).toEqual([1, 0]); // the three-day-old file (with its bad line) is not read
    expect(count('3h')).toEqual([2, 0]);
    expect(count('24h')).toEqual([2, 0]);
    expect(count('4d')).toEqual([3, 1]);
    const r = sluice(['stats', '--dir', dir], project);
    expect(r.stdout.split('\n')[0]).toMatch(/^Requests since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(last 24h\) in .*, by route:$/);
  });

  it('says so, exit 0, when no record is in the window', () => {
    const r = sluice(['stats', '--since', '2030-01-01'], project);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('No requests since 2030-01-01T00:00:00Z in .sluice/logs; run `sluice dev` and send some.\n');
    const j = sluice(['stats', '--since', '2030-01-01', '--json'], project);
    expect(JSON.parse(j.stdout)).toMatchObject({ groups: [], total: null });
  });

  it('says so, exit 0, when the log directory does not exist', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sluice-stats-empty-'));
    const r = sluice(['stats'], empty);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^No requests since \S+ in \.sluice\/logs \(it does not exist yet\); run `sluice dev` and send some\.\n$/);
    expect(r.stderr).toBe('');
  });
});

describe('sluice stats: usage errors exit 2 with one line', () => {
  it.each([
    [['--by', 'team'], 'sluice: stats: --by must be one of route, consumer, provider, model, status, endpoint\n'],
    [['--since', '5'], 'sluice: stats: --since "5" is not a duration like 30m, 1h or 2d, or an ISO time like 2025-01-31 or 2025-01-31T09:00Z (UTC unless it has an offset)\n'],
    [['--since', '2025-02-30'], 'sluice: stats: --since "2025-02-30" is not a duration like 30m, 1h or 2d, or an ISO time like 2025-01-31 or 2025-01-31T09:00Z (UTC unless it has an offset)\n'],
    [['--since', '2025-13-01T09:00'], 'sluice: stats: --since "2025-13-01T09:00" is not a duration like 30m, 1h or 2d, or an ISO time like 2025-01-31 or 2025-01-31T09:00Z (UTC unless it has an offset)\n'],
    [['--since', '0h'], 'sluice: stats: --since must be longer than 0, e.g. 1h\n'],
    [['--json', '--format', 'text'], 'sluice: stats: --json and --format text contradict each other\n'],
    [['extra'], 'sluice: stats: unexpected argument "extra"\n'],
  ])('%j', (args, message) => {
    const r = sluice(['stats', ...args], project);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(message);
    expect(r.stdout).toBe('');
  });

  it('rejects an unknown flag', () => {
    const r = sluice(['stats', '--bogus'], project);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sluice: stats: Unknown option '--bogus'/);
  });

  it('rejects a --dir that is a file', () => {
    const r = sluice(['stats', '--dir', join('.sluice', 'logs', 'README.txt')], project);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`sluice: stats: ${join('.sluice', 'logs', 'README.txt')} is not a directory\n`);
  });
});

describe('sluice dev writes the records stats reads', () => {
  it('appends the record of an OpenAI SDK request under .sluice/logs', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sluice-dev-logs-'));
    writeFileSync(
      join(cwd, 'gateway.yaml'),
      'version: 1\ngateway:\n  name: stats-e2e\n  auth: none\nproviders:\n  mock:\n    type: mock\n    reply: Hello from the stats test.\nroutes:\n  chat:\n    aliases: [gpt-4o-mini]\n    strategy: mock/mock-small\n',
    );
    const dev = await startDev(cwd, null);
    try {
      const { banner: out, url } = dev;
      expect(out).toContain(`  request records: ${join('.sluice', 'logs')} (summarize with: sluice stats)\n`);
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const reply = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
      expect(reply.choices[0]?.message.content).toBe('Hello from the stats test.');

      const logs = join(cwd, '.sluice', 'logs');
      const lines = await poll(() => (existsSync(logs) ? readdirSync(logs).flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n').filter(Boolean)) : []));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ v: 1, gateway: 'stats-e2e', endpoint: 'chat', route: 'chat', requestedModel: 'gpt-4o-mini', provider: 'mock', status: 200 });
      expect(readdirSync(logs)).toEqual([`${(JSON.parse(lines[0]!) as RequestRecord).time.slice(0, 10)}.ndjson`]);

      const j = statsJson(['--since', '1h'], cwd);
      expect(j.groups.map((g) => [g.group, g.requests, g.errors5xx])).toEqual([['chat', 1, 0]]);
    } finally {
      if (dev.child.exitCode === null) expect(await stopDev(dev)).toBe(0);
    }
  });
});

/** Calls `read` until it returns a non-empty list (records land just after the response), or 10 s pass. */
async function poll<T>(read: () => readonly T[]): Promise<readonly T[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const value = read();
    if (value.length > 0 || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
