/**
 * `sluice dev` as a process on the quickstart: it prints a banner whose curl and SDK
 * snippets work as pasted, serves the real OpenAI SDK offline, and stops on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';

let child: ChildProcess;
let banner = '';
let url = '';

beforeAll(async () => {
  // Its own working directory: the dev store (.sluice/) starts empty, so the first answer is not a cache hit.
  const cwd = mkdtempSync(join(tmpdir(), 'sluice-dev-'));
  child = spawn(process.execPath, [join(ROOT, 'bin', 'sluice.mjs'), 'dev', join(ROOT, 'examples', 'quickstart.yaml'), '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${banner}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      banner += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner);
      if (m && banner.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`sluice dev exited with ${code}: ${banner}`)));
  });
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
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
