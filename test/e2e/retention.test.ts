/**
 * Finished requests die young. The real `sluice dev` process (run with V8's `--trace-gc-nvp`)
 * serves a few thousand JSON and streamed chat completions through an openai-compatible
 * provider on a fake upstream; its young-generation collections must promote little to the
 * old generation, since nothing of a request should outlive its response.
 *
 * When something per request is reachable from the old generation (a module-level WeakMap
 * keyed by the response, per-instance getters, a literal that starts with a spread: see
 * runtime/merged.ts), finished requests are promoted at every scavenge: 2 % to 10 % of what
 * was allocated since the previous one, against under 0.5 % when nothing is kept. That is
 * the difference this test sees; it measures bytes, not time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream/index.ts';
import { useSecrets } from '../support/secret-scan.ts';

const UPSTREAM_KEY = 'sk-retention-upstream';
useSecrets(UPSTREAM_KEY);

/**
 * Requests, alternately JSON and streamed, one at a time on one keep-alive connection. One
 * at a time, the gateway allocates nothing while a request waits on the upstream, so a
 * request in flight cannot span two collections and be promoted for being slow (on a busy
 * machine); what is promoted was kept.
 */
const REQUESTS = 3000;
/** Promoted bytes per scavenge, as a share of the bytes allocated since the previous one, that still count as "nothing kept". */
const MAX_PROMOTED_SHARE = 0.01;

interface Scavenge {
  readonly promoted: number;
  readonly allocated: number;
}

let up: FakeUpstream;
let child: ChildProcess;
let url = '';
let out = '';

beforeAll(async () => {
  up = await startFakeUpstream({ name: 'up' });
  const dir = mkdtempSync(join(tmpdir(), 'sluice-retention-'));
  const spec = join(dir, 'gateway.yaml');
  writeFileSync(
    spec,
    `version: 1
gateway: { name: retention, auth: none }
providers:
  up: { type: openai-compatible, base_url: "${up.baseUrl}", api_key: { env: RETENTION_UPSTREAM_KEY } }
routes:
  proxy: { aliases: ["gpt-4o-mini*"], strategy: up/*, retry: { attempts: 0 } }
`,
  );
  child = spawn(process.execPath, ['--trace-gc-nvp', join(ROOT, 'bin', 'sluice.mjs'), 'dev', spec, '--port', '0'], {
    cwd: dir,
    env: { ...process.env, RETENTION_UPSTREAM_KEY: UPSTREAM_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sluice dev printed no banner')), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`sluice dev exited with ${code}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await up?.close();
});

/** The young-generation collections in V8's trace so far (one `gc=s` line each). */
function scavenges(text: string): Scavenge[] {
  return text
    .split('\n')
    .filter((line) => / gc=s /.test(line))
    .map((line) => ({ promoted: Number(/ promoted=(\d+)/.exec(line)?.[1]), allocated: Number(/ allocated=(\d+)/.exec(line)?.[1]) }));
}

/** One chat completion on a keep-alive agent; resolves with the status once the whole body is read. */
function complete(agent: Agent, stream: boolean): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'Say hello in a few words.' }] });
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('request lifetime under load', () => {
  it('promotes little of finished requests at each young-generation collection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // Warm-up: the start-up's own objects (the compiled Plan, modules) are promoted here.
    for (let i = 0; i < 200; i++) await complete(agent, i % 2 === 0);
    const before = scavenges(out).length;
    let bad = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const stream = i % 2 === 0;
      const r = await complete(agent, stream);
      if (r.status !== 200 || (stream ? !r.body.includes('data: [DONE]') : !r.body.includes('"choices"'))) bad++;
    }
    agent.destroy();
    const during = scavenges(out).slice(before);
    expect(bad).toBe(0);
    // Enough collections happened for the mean to mean something.
    expect(during.length).toBeGreaterThanOrEqual(5);
    const promoted = during.reduce((s, g) => s + g.promoted, 0);
    const allocated = during.reduce((s, g) => s + g.allocated, 0);
    const perScavenge = (n: number): string => `${Math.round(n / during.length / 1024)} KiB`;
    expect(promoted / allocated, `promoted ${perScavenge(promoted)} of ${perScavenge(allocated)} allocated per scavenge`).toBeLessThan(MAX_PROMOTED_SHARE);
  }, 120_000);
});
