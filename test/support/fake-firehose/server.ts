/**
 * A fake Firehose on 127.0.0.1 speaking the PutRecordBatch JSON protocol (`x-amz-target`,
 * `application/x-amz-json-1.1`, base64 record data, `__type` errors); records every call and
 * plays scripted steps: whole-call errors, per-record failures, or no answer at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const TARGET = 'Firehose_20150804.PutRecordBatch';
const JSON_TYPE = 'application/x-amz-json-1.1';

/** One PutRecordBatch call the fake received. */
export interface FakeFirehoseCall {
  readonly streamName: string;
  /** Decoded record data, in request order. */
  readonly records: readonly string[];
  /** Bytes of record data in the call (before base64). */
  readonly dataBytes: number;
  /** True once the client went away before an answer (aborted or timed out). */
  abandoned: boolean;
}

/** What the fake does with the next call. */
export type FirehoseStep =
  | { readonly kind: 'accept' }
  /** Answers 200 with an ErrorCode for the records `fail` picks. */
  | { readonly kind: 'partial'; readonly fail: (data: string, index: number) => boolean }
  /** Answers an error for the whole call. */
  | { readonly kind: 'error'; readonly status: number; readonly type: string; readonly message: string }
  /** Never answers. */
  | { readonly kind: 'hang' };

/** A running fake. */
export interface FakeFirehose {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly calls: readonly FakeFirehoseCall[];
  /** Records accepted, in arrival order (a duplicate delivery shows up twice). */
  readonly delivered: readonly string[];
  /** Queues steps for the next calls; afterwards every call is accepted. */
  script(...steps: FirehoseStep[]): void;
  /** Forgets calls, deliveries and unused steps (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** The ServiceUnavailableException a throttled or unhealthy Firehose answers. */
export const unavailable: FirehoseStep = { kind: 'error', status: 503, type: 'ServiceUnavailableException', message: 'Slow down.' };

interface BatchBody {
  readonly DeliveryStreamName?: unknown;
  readonly Records?: ReadonlyArray<{ readonly Data?: unknown }>;
}

function sendJson(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'x-amzn-requestid': `fake-${Date.now()}` });
  res.end(JSON.stringify(body));
}

function answer(step: FirehoseStep, call: FakeFirehoseCall, delivered: string[], res: import('node:http').ServerResponse): void {
  if (step.kind === 'error') return sendJson(res, step.status, { __type: step.type, message: step.message });
  const fail = step.kind === 'partial' ? step.fail : () => false;
  let failed = 0;
  const responses = call.records.map((data, i) => {
    if (fail(data, i)) {
      failed++;
      return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
    }
    delivered.push(data);
    return { RecordId: `rec-${delivered.length}` };
  });
  sendJson(res, 200, { FailedPutCount: failed, Encrypted: false, RequestResponses: responses });
}

/** Starts a fake on 127.0.0.1, port 0. */
export async function startFakeFirehose(): Promise<FakeFirehose> {
  const calls: FakeFirehoseCall[] = [];
  const delivered: string[] = [];
  const queue: FirehoseStep[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.headers['x-amz-target'] !== TARGET || req.headers['content-type'] !== JSON_TYPE) {
        return sendJson(res, 400, { __type: 'UnknownOperationException', message: 'not PutRecordBatch' });
      }
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as BatchBody;
      const data = (body.Records ?? []).map((r) => Buffer.from(String(r.Data), 'base64'));
      const call: FakeFirehoseCall = {
        streamName: String(body.DeliveryStreamName),
        records: data.map((d) => d.toString('utf8')),
        dataBytes: data.reduce((n, d) => n + d.byteLength, 0),
        abandoned: false,
      };
      calls.push(call);
      res.on('close', () => {
        if (!res.writableFinished) call.abandoned = true;
      });
      const step = queue.shift() ?? { kind: 'accept' };
      if (step.kind !== 'hang') answer(step, call, delivered, res);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    delivered,
    script: (...steps) => void queue.push(...steps),
    reset: () => {
      calls.length = 0;
      delivered.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port just released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
