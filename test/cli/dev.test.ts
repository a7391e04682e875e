/**
 * `sluice dev` as a process on the quickstart: it prints a banner whose curl and SDK
 * snippets work as pasted, serves the real OpenAI SDK offline, and stops on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { devLogDir, NDJSON_FILE } from '../../runtime/log/ndjson.ts';
import { findSecrets } from '../support/secret-scan.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startDev, stopDev, type Dev } from '../support/cli.ts';

/** What sluice itself printed on stderr (the AWS SDK's Node-version notice aside). */
function sluiceLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /sluice|Error|\bat /.test(line));
}

let dev: Dev;
let child: ChildProcess;
let banner = '';
let url = '';

beforeAll(async () => {
  // Its own working directory: the dev store (.sluice/) starts empty, so the first answer is not a cache hit.
  dev = await startDev(mkdtempSync(join(tmpdir(), 'sluice-dev-')));
  ({ child, banner, url } = dev);
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('sluice dev', () => {
  it('prints a ready-to-paste curl and OpenAI SDK snippet with the demo key', () => {
    expect(banner).toContain(`curl ${url}/v1/chat/completions`);
    expect(banner).toContain('-H "Authorization: Bearer sk-sluice-demo"');
    expect(banner).toContain(`new OpenAI({ baseURL: '${url}/v1', apiKey: 'sk-sluice-demo' })`);
    expect(banner).toContain("model: 'gpt-4o-mini'");
  });

  it('serves the OpenAI SDK offline: a fallback past the flaky mock, then streaming', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-sluice-demo', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello!' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from Sluice! This reply comes from the built-in mock provider.');
    expect(response.headers.get('x-sluice-provider')).toBe('mock');
    expect(response.headers.get('x-sluice-attempts')).toBe('2');
    let text = '';
    for await (const c of await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }], stream: true })) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('The flaky mock answered on this call.');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await stopDev(dev)).toBe(0);
    expect(sluiceLines(dev.stderr())).toEqual([]);
  });
});

describe('sluice dev shutdown', () => {
  it('finishes the work a stream left after its response before it stops, so the next run hits the cache', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sluice-dev-stop-'));
    const ask = async (at: Dev): Promise<{ text: string; cache: string | null }> => {
      const res = await fetch(`${at.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-sluice-demo' },
        body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'Kept across a restart?' }] }),
      });
      return { text: await res.text(), cache: res.headers.get('x-sluice-cache') };
    };
    const first = await startDev(cwd);
    const miss = await ask(first);
    // SIGTERM the moment the stream ends: the cache write, counters and record are still in flight.
    expect(await stopDev(first)).toBe(0);
    expect(miss.cache).toBe('MISS');
    expect(sluiceLines(first.stderr())).toEqual([]);
    const second = await startDev(cwd);
    try {
      const hit = await ask(second);
      expect(hit.cache).toBe('HIT');
      expect(hit.text).toContain('data: [DONE]');
    } finally {
      expect(await stopDev(second)).toBe(0);
    }
    expect(sluiceLines(second.stderr())).toEqual([]);
    // Both runs' records are on disk, and none of them holds the key the client sent.
    const dir = devLogDir(cwd);
    const records = readdirSync(dir)
      .filter((f) => NDJSON_FILE.test(f))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => r.cache)).toEqual(['MISS', 'HIT']);
    expect(findSecrets(records, ['sk-sluice-demo'])).toEqual([]);
  });
});

describe('sluice dev defaults', () => {
  it('listens on 127.0.0.1:8787 when no --port or --host is given', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sluice-dev-default-'));
    const proc = spawn(process.execPath, [join(ROOT, 'bin', 'sluice.mjs'), 'dev', join(ROOT, 'examples', 'quickstart.yaml')], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const outcome = await new Promise<'listening' | 'exited'>((resolve) => {
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Press Ctrl+C')) resolve('listening');
      });
      proc.once('exit', () => resolve('exited'));
    });
    if (outcome === 'listening') {
      expect(out).toContain('listening on http://127.0.0.1:8787');
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    } else {
      // Something else holds 8787 on this machine: the refusal still names the default.
      expect(err).toContain('dev: port 8787 is in use; pass --port');
    }
  });
});

describe('sluice dev without a provider key', () => {
  it('warns at start, and answers with the key to set instead of blaming the provider', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sluice-dev-keys-'));
    const spec = join(cwd, 'gateway.yaml');
    // Neither provider is ever reached: the port is closed, and no key means no call.
    writeFileSync(
      spec,
      `version: 1
gateway: { name: keys, auth: none }
providers:
  envkey: { type: openai-compatible, base_url: "http://127.0.0.1:9/v1", api_key: { env: SLUICE_TEST_UNSET_KEY } }
  vaulted: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: { secret: prod/openai } }
routes:
  a: { aliases: [a], strategy: envkey/m }
  b: { aliases: [b], strategy: vaulted/m }
`,
    );
    const env = { ...process.env };
    delete env.SLUICE_TEST_UNSET_KEY;
    const keyless = await startDev(cwd, spec, env);
    try {
      // The warnings follow the banner, on stderr.
      const ours = (): string[] => keyless.stderr().split('\n').filter((l) => l.startsWith('sluice dev: warning'));
      for (let i = 0; i < 100 && ours().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      const warnings = ours();
      expect(warnings).toEqual([
        'sluice dev: warning: provider envkey takes its key from $SLUICE_TEST_UNSET_KEY, which is not set here; its requests will fail until it is',
        'sluice dev: warning: provider vaulted has its key only in Secrets Manager, which sluice dev does not read; add api_key.env to use it here',
      ]);
      const client = new OpenAI({ baseURL: `${keyless.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const missing = await client.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(missing).toMatchObject({ status: 500, code: 'provider_key_missing', type: 'server_error' });
      expect((missing as Error).message).toContain('Provider envkey has no key here: set $SLUICE_TEST_UNSET_KEY.');
      const unreadable = await client.chat.completions.create({ model: 'b', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(unreadable).toMatchObject({ status: 503, code: 'provider_key_unavailable' });
      expect((unreadable as Error).message).toContain('The key of provider vaulted could not be read.');
    } finally {
      await stopDev(keyless);
    }
  });
});
