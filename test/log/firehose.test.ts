/** The Firehose sink against a fake Firehose over real sockets: batching, truncation, retries, bounds, cool-down. */
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsLogSink } from '../../runtime/log/aws.ts';
import { createFirehoseSink, FIREHOSE_LIMITS, firehoseClientConfig, type FirehoseSinkOptions } from '../../runtime/log/firehose.ts';
import { createMetricsEmitter } from '../../runtime/log/metrics.ts';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { sampleRecord } from '../support/records.ts';
import { FAKE_CREDENTIALS } from '../support/fake-bedrock/index.ts';
import { closedPortUrl, startFakeFirehose, unavailable, type FakeFirehose } from '../support/fake-firehose/index.ts';
import { testPlan } from '../support/plan.ts';

const STREAM = 'sluice-acme-prod-requests';

function record(n: number, extra: Partial<RequestRecord> = {}): RequestRecord {
  return sampleRecord({
    time: '2026-01-02T03:04:05.000Z',
    requestId: `req-${n}`,
    gateway: 'acme',
    stage: 'prod',
    planHash: 'sha256:abc',
    consumer: 'team-a',
    requestedModel: 'chat',
    attempts: [{ provider: 'openai', model: 'gpt-4o-mini', status: 200, errorClass: null, latencyMs: 120 }],
    provider: 'openai',
    model: 'gpt-4o-mini',
    usage: null,
    costUsd: 0.0001,
    latencyMs: 130,
    ttfbMs: 130,
    ...extra,
  });
}

function records(count: number, extra: Partial<RequestRecord> = {}): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => record(i, extra));
}

/** Sink, the lines it wrote as metrics, and the dropped count they add up to. */
function setup(url: string, options: Partial<FirehoseSinkOptions> = {}) {
  const lines: string[] = [];
  const metrics = createMetricsEmitter({ plan: testPlan(), out: { write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) } });
  const client = new FirehoseClient({ ...firehoseClientConfig(options.callTimeoutMs), endpoint: url, region: 'us-east-1', credentials: FAKE_CREDENTIALS });
  const sink = createFirehoseSink({ streamName: STREAM, client, metrics, random: () => 0.5, ...options });
  const dropped = (): number =>
    lines
      .map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } })
      .filter((d) => d._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === 'LogRecordsDropped'))
      .reduce((n, d) => n + Number(d.LogRecordsDropped), 0);
  return { sink, lines, dropped };
}

let fake: FakeFirehose;
const errors: string[] = [];

beforeAll(async () => {
  fake = await startFakeFirehose();
});
afterAll(() => fake.close());
afterEach(() => {
  vi.restoreAllMocks();
  errors.length = 0;
  fake.reset();
});

function captureErrors(): void {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.map(String).join(' ')));
}

const parsed = (lines: readonly string[]): RequestRecord[] => lines.map((l) => JSON.parse(l) as RequestRecord);
const sortById = (list: RequestRecord[]): RequestRecord[] => list.sort((a, b) => Number(a.requestId.slice(4)) - Number(b.requestId.slice(4)));

describe('createFirehoseSink: delivery', () => {
  it('coalesces writes of one tick into calls of at most 500 records, each an NDJSON line equal to its record', async () => {
    const { sink, dropped } = setup(fake.url);
    const input = records(1200);
    await Promise.all(input.map((r) => sink.write(r)));
    expect(fake.calls.map((c) => c.records.length).sort((a, b) => b - a)).toEqual([500, 500, 200]);
    expect(fake.calls.every((c) => c.streamName === STREAM)).toBe(true);
    const lines = fake.calls.flatMap((c) => c.records);
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
    expect(sortById(parsed(lines))).toEqual(input);
    expect(dropped()).toBe(0);
  });

  it('splits records totalling more than 4 MiB so that no call carries more than 4 MiB', async () => {
    const { sink } = setup(fake.url);
    // 12 records of ~600 KB: 7.2 MB in all, at most 6 fit in one call.
    const input = records(12, { requestBody: 'q'.repeat(300_000), responseBody: 'a'.repeat(300_000) });
    await Promise.all(input.map((r) => sink.write(r)));
    expect(fake.calls.length).toBeGreaterThan(1);
    for (const call of fake.calls) expect(call.dataBytes).toBeLessThanOrEqual(FIREHOSE_LIMITS.batchBytes);
    expect(sortById(parsed(fake.delivered))).toEqual(input);
  });

  it('removes the bodies of a record over 1000 KiB and marks it truncated, instead of dropping it', async () => {
    const { sink, dropped } = setup(fake.url);
    const big = record(1, { requestBody: 'q'.repeat(600_000), responseBody: 'a'.repeat(600_000) });
    await Promise.all([sink.write(big), sink.write(record(2))]);
    expect(fake.delivered).toHaveLength(2);
    const { requestBody, responseBody, ...rest } = big;
    expect(requestBody).toBeDefined();
    expect(responseBody).toBeDefined();
    expect(JSON.parse(fake.delivered[0]!)).toEqual({ ...rest, truncated: true });
    expect(JSON.parse(fake.delivered[1]!)).toEqual(record(2));
    expect(dropped()).toBe(0);
  });

  it('drops and counts a record that is too big even without its bodies', async () => {
    captureErrors();
    const { sink, dropped } = setup(fake.url);
    const huge = record(1, { metadata: { blob: 'm'.repeat(FIREHOSE_LIMITS.recordBytes) } });
    await Promise.all([sink.write(huge), sink.write(record(2))]);
    expect(fake.delivered.map((l) => (JSON.parse(l) as RequestRecord).requestId)).toEqual(['req-2']);
    expect(dropped()).toBe(1);
    expect(errors).toEqual(['sluice: 1 request record not delivered to Firehose (record too large)']);
  });

  it('resends only the records Firehose refused, until all are delivered once', async () => {
    const { sink, dropped } = setup(fake.url);
    const seen = new Set<string>();
    // Every third record fails the first time Firehose sees it.
    fake.script({ kind: 'partial', fail: (data, i) => i % 3 === 0 && !seen.has(data) && seen.add(data) !== undefined });
    const input = records(10);
    await Promise.all(input.map((r) => sink.write(r)));
    expect(fake.calls).toHaveLength(2);
    expect(parsed(fake.calls[1]!.records)).toEqual([input[0], input[3], input[6], input[9]]);
    expect(fake.delivered).toHaveLength(10);
    expect(new Set(fake.delivered).size).toBe(10);
    expect(new Set(parsed(fake.delivered))).toEqual(new Set(input));
    expect(dropped()).toBe(0);
  });

  it('retries a throttled call', async () => {
    const { sink, dropped } = setup(fake.url);
    fake.script(unavailable, unavailable);
    await sink.write(record(1));
    expect(fake.calls).toHaveLength(3);
    expect(fake.delivered).toHaveLength(1);
    expect(dropped()).toBe(0);
  });

  it('builds its own client on the first flush, from the environment', async () => {
    const keys = ['AWS_ENDPOINT_URL_FIREHOSE', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
    const saved = keys.map((k) => [k, process.env[k]] as const);
    Object.assign(process.env, { AWS_ENDPOINT_URL_FIREHOSE: fake.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    try {
      await createFirehoseSink({ streamName: STREAM }).write(record(1));
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(parsed(fake.delivered)).toEqual([record(1)]);
  });

  it('flush() sends what is queued and waits for it', async () => {
    const { sink } = setup(fake.url);
    const written = sink.write(record(1));
    await sink.flush();
    expect(fake.delivered).toHaveLength(1);
    await written;
    await sink.flush();
    expect(fake.calls).toHaveLength(1);
  });
});

describe('createFirehoseSink: failures', () => {
  it('gives up after the attempts, counts the drops and logs one line without record content', async () => {
    captureErrors();
    const { sink, dropped } = setup(fake.url, { attempts: 3 });
    fake.script(unavailable, unavailable, unavailable);
    const input = records(3, { requestBody: 'secret prompt text' });
    await Promise.all(input.map((r) => sink.write(r)));
    expect(fake.calls).toHaveLength(3);
    expect(fake.delivered).toHaveLength(0);
    expect(dropped()).toBe(3);
    expect(errors).toEqual(['sluice: 3 request records not delivered to Firehose (ServiceUnavailableException)']);
  });

  it('does not retry an error that another try cannot fix', async () => {
    captureErrors();
    const { sink, dropped } = setup(fake.url);
    fake.script({ kind: 'error', status: 400, type: 'ResourceNotFoundException', message: 'no such stream' });
    await sink.write(record(1));
    expect(fake.calls).toHaveLength(1);
    expect(dropped()).toBe(1);
    expect(errors).toEqual(['sluice: 1 request record not delivered to Firehose (ResourceNotFoundException)']);
  });

  it('settles within the bound when nothing listens on the endpoint', async () => {
    captureErrors();
    const { sink, dropped } = setup(await closedPortUrl());
    const started = Date.now();
    await Promise.all(records(4, { requestBody: 'secret prompt text' }).map((r) => sink.write(r)));
    expect(Date.now() - started).toBeLessThan(3000 + 2000);
    expect(dropped()).toBe(4);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^sluice: 4 request records not delivered to Firehose \(\w+\)$/);
  });

  it('abandons calls to an endpoint that never answers and settles within the default bound', async () => {
    captureErrors();
    const { sink, dropped } = setup(fake.url);
    fake.script({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    await Promise.all(records(2, { requestBody: 'secret prompt text' }).map((r) => sink.write(r)));
    const elapsed = Date.now() - started;
    // Default bounds: 1.5 s a call, 3 s a flush; the slack is for a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(3000 + 2000);
    expect(fake.calls.length).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(fake.calls.every((c) => c.abandoned)).toBe(true));
    expect(dropped()).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^sluice: 2 request records not delivered to Firehose \(\w+\)$/);
    expect(errors[0]).not.toContain('secret');
  });

  it('skips Firehose during the cool-down after a failed flush, counting the drops, then tries again', async () => {
    captureErrors();
    let now = 1_000_000;
    const { sink, dropped } = setup(fake.url, { clock: { now: () => now }, coolDownMs: 30_000, attempts: 1 });
    fake.script(unavailable);
    await sink.write(record(1));
    expect(fake.calls).toHaveLength(1);
    now += 29_000;
    await Promise.all([sink.write(record(2)), sink.write(record(3))]);
    expect(fake.calls).toHaveLength(1);
    expect(dropped()).toBe(3);
    now += 1_000;
    await sink.write(record(4));
    expect(fake.calls).toHaveLength(2);
    expect(parsed(fake.delivered)).toEqual([record(4)]);
    expect(errors).toEqual([
      'sluice: 1 request record not delivered to Firehose (ServiceUnavailableException)',
      'sluice: 2 request records not delivered to Firehose (cool-down after ServiceUnavailableException)',
    ]);
  });
});

describe('createAwsLogSink', () => {
  function emfOut() {
    const writes: string[] = [];
    return { writes, out: { write: (text: string) => writes.push(text) } };
  }

  it('emits the EMF lines of each record and delivers it to the stream', async () => {
    const { writes, out } = emfOut();
    const client = new FirehoseClient({ ...firehoseClientConfig(), endpoint: fake.url, region: 'us-east-1', credentials: FAKE_CREDENTIALS });
    const sink = createAwsLogSink({ plan: testPlan(), streamName: STREAM, out, firehose: { client } });
    await sink.write(record(1));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { Gateway: string }).Gateway)).toEqual(['acme-prod', 'acme-prod']);
    expect(parsed(fake.delivered)).toEqual([record(1)]);
  });

  it('emits metrics only when no stream is named', async () => {
    const { writes, out } = emfOut();
    const sink = createAwsLogSink({ plan: testPlan(), streamName: undefined, out });
    await sink.write(record(1));
    expect(writes).toHaveLength(1);
    expect(fake.calls).toHaveLength(0);
  });
});
