/** Micro-measure of the client's CPU per request (not a test): `npx tsx test/runtime/http/overhead.measure.ts`. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { createHttpClient } from '../../../runtime/http/client.ts';

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' } }], usage: { prompt_tokens: 9, completion_tokens: 2 } });
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); }); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;
const REQUEST_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
const HEADERS = { 'accept-encoding': 'gzip, deflate, br', authorization: 'Bearer sk-test', 'content-type': 'application/json', 'user-agent': 'sluice/0.1' };

/** CPU microseconds of this process per request, for `count` requests with `concurrency` in flight. */
async function cpuPerRequest(run: () => Promise<unknown>, count: number, concurrency: number): Promise<number> {
  const before = process.cpuUsage();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      await run();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(child.stdout, 'data')) as [Buffer];
const url = `http://127.0.0.1:${line.toString().trim()}/v1/chat/completions`;

const client = createHttpClient();
const viaClient = async (): Promise<string> =>
  (await client.send({ url, method: 'POST', headers: HEADERS, body: REQUEST_BODY })).text(1 << 20);

const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 });
const viaNode = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: HEADERS, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString()));
    });
    req.on('error', reject);
    req.end(REQUEST_BODY);
  });

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
for (const concurrency of [1, 32]) {
  const node: number[] = [];
  const ours: number[] = [];
  for (let pass = 0; pass < 9; pass += 1) {
    node.push(await cpuPerRequest(viaNode, 10_000, concurrency));
    ours.push(await cpuPerRequest(viaClient, 10_000, concurrency));
  }
  const [n, o] = [median(node), median(ours)];
  console.log(`concurrency ${concurrency}: bare node:http ${n.toFixed(1)} µs/request, createHttpClient ${o.toFixed(1)} µs/request (${o >= n ? '+' : ''}${(o - n).toFixed(1)}), medians of 9 × 10,000`);
}
client.close();
agent.destroy();
child.kill();
