/** Micro-measure of SSE decoding (not a test): `npx tsx test/runtime/sse/throughput.measure.ts`. */
import { readFileSync } from 'node:fs';
import { createSseDecoder } from '../../../runtime/sse/decoder.ts';
import { encodeSse } from '../../../runtime/sse/encoder.ts';

const stream = readFileSync(new URL('./fixtures/openai-chat-stream.txt', import.meta.url));
const events = stream.toString('utf8').split('\n\n').filter(Boolean).map((e) => Buffer.from(`${e}\n\n`));

function measure(label: string, chunks: readonly Uint8Array[], rounds: number): void {
  const bytes = chunks.reduce((n, c) => n + c.byteLength, 0) * rounds;
  let count = 0;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) {
    const decoder = createSseDecoder();
    for (const chunk of chunks) count += decoder.push(chunk).length;
    count += decoder.end().length;
  }
  const ns = Number(process.hrtime.bigint() - started);
  console.log(`${label}: ${((bytes / ns) * 1e3).toFixed(0)} MB/s, ${(ns / count).toFixed(0)} ns/event (${count} events)`);
}

const whole = Buffer.concat(Array(2000).fill(stream) as Buffer[]);
const big = [];
for (let at = 0; at < whole.length; at += 16 * 1024) big.push(whole.subarray(at, at + 16 * 1024));
for (let pass = 0; pass < 2; pass += 1) {
  measure('one event per chunk   ', events, 50_000);
  measure('16 KiB chunks         ', big, 20);
  measure('chunks cut mid-line   ', events.flatMap((e) => [e.subarray(0, 100), e.subarray(100)]), 50_000);
}
const started = process.hrtime.bigint();
let length = 0;
for (let i = 0; i < 1_000_000; i += 1) length += encodeSse({ data: '{"id":"chatcmpl-1","choices":[{"delta":{"content":"hi"}}]}' }).length;
console.log(`encodeSse: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ns/event (${length})`);
