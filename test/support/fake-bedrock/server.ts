/** A fake Bedrock Runtime on 127.0.0.1 speaking the SDK's wire protocol (Converse JSON, event-stream frames, `x-amzn-errortype` errors, InvokeModel); records requests, plays scripted steps. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { eventFrame, exceptionFrame } from './eventstream.ts';
import { converseOutput, invokeAnswer, reply, streamEvents, type FakeStep, type ReplyStep } from './replies.ts';

/** A request the fake received. */
export interface FakeBedrockRequest {
  readonly operation: 'converse' | 'converse-stream' | 'invoke';
  /** The model id, percent-decoded from the path. */
  readonly modelId: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A running fake. */
export interface FakeBedrock {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`. */
  readonly url: string;
  readonly requests: readonly FakeBedrockRequest[];
  /** Queues answers for the next calls (Converse, ConverseStream or InvokeModel), in order. */
  script(...steps: FakeStep[]): void;
  /** Splits stream bodies into writes of this many bytes (frames cut anywhere), 0 for one write per frame. */
  chunkBytes: number;
  close(): Promise<void>;
}

const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.bedrock/';

function promptText(body: unknown): string {
  return JSON.stringify((body as { messages?: unknown } | null)?.messages ?? '');
}

/** Starts a fake on 127.0.0.1, port 0. */
export async function startFakeBedrock(): Promise<FakeBedrock> {
  const requests: FakeBedrockRequest[] = [];
  const queue: FakeStep[] = [];
  const sockets = new Set<Socket>();
  let requestNo = 0;
  const fake = { chunkBytes: 0 };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const requestId = `fake-${++requestNo}`;
      const m = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': `UnknownOperationException${ERROR_TYPE_SUFFIX}`, 'x-amzn-requestid': requestId });
        res.end('{}');
        return;
      }
      const operation = m[2] as FakeBedrockRequest['operation'];
      const modelId = decodeURIComponent(m[1]!);
      const text = Buffer.concat(parts).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // recorded as text
      }
      requests.push({ operation, modelId, path: req.url!, headers: req.headers, body });
      const step = queue.shift() ?? reply(`Hello from ${modelId}`);
      if (step.kind === 'error') {
        res.writeHead(step.status, { 'content-type': 'application/json', 'x-amzn-errortype': `${step.type}${ERROR_TYPE_SUFFIX}`, 'x-amzn-requestid': requestId });
        res.end(JSON.stringify({ message: step.message }));
        return;
      }
      if (operation === 'invoke') {
        const answer = invokeAnswer(modelId, body as Record<string, unknown>);
        if (!answer) {
          res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': `ValidationException${ERROR_TYPE_SUFFIX}`, 'x-amzn-requestid': requestId });
          res.end(JSON.stringify({ message: 'The provided model identifier is invalid.' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
        res.end(JSON.stringify(answer));
        return;
      }
      const normal: ReplyStep = step.kind === 'reply' ? step : reply(`Hello from ${modelId}`);
      if (operation === 'converse') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
        res.end(JSON.stringify(converseOutput(normal, promptText(body))));
        return;
      }
      let frames = streamEvents(normal, promptText(body)).map(([name, payload]) => eventFrame(name, payload));
      if (step.kind === 'stream-exception') frames = [...frames.slice(0, step.after), exceptionFrame(step.exception, { message: step.message })];
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
      if (fake.chunkBytes > 0) {
        const all = Buffer.concat(frames);
        for (let at = 0; at < all.length; at += fake.chunkBytes) res.write(all.subarray(at, at + fake.chunkBytes));
      } else {
        for (const frame of frames) res.write(frame);
      }
      res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...steps: FakeStep[]) => void queue.push(...steps),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}
