/** The real esbuild bundle, run in a fresh Node process like the Lambda runtime would, against a fake Secrets Manager. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleRuntime } from '../../infra/bundle.ts';
import { LAMBDA_ENV } from '../../runtime/lambda/config.ts';
import { FIXTURE_ORIGIN_SECRET } from '../support/fixtures.ts';
import { examplePlan } from '../support/compile.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:SluiceOriginVerify-AbCdEf';
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url));
const driver = fileURLToPath(new URL('../support/lambda-driver.mjs', import.meta.url));
const plan = examplePlan('quickstart');

interface Captured {
  readonly prelude: { statusCode: number; headers: Record<string, string> };
  readonly body: string;
}

/** What one driver run printed: the handler results, and every other stdout line (EMF documents). */
interface Run {
  readonly results: Captured[];
  readonly lines: string[];
}

let outDir: string;
let bundleDir: string;
let server: Server;
const secretRequests: { target: string | undefined; body: unknown }[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
  bundleDir = bundleRuntime(plan, outDir);
  // Secrets Manager speaks JSON 1.1: POST / with X-Amz-Target.
  server = createServer((req, res) => {
    void readBody(req).then((text) => {
      secretRequests.push({ target: req.headers['x-amz-target'] as string | undefined, body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ ARN: SECRET_ARN, Name: 'SluiceOriginVerify', SecretString: FIXTURE_ORIGIN_SECRET, VersionId: 'v1' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(outDir, { recursive: true, force: true });
});

async function runBundle(events: string[]): Promise<Captured[]> {
  return (await runBundleWithOutput(events)).results;
}

async function runBundleWithOutput(events: string[]): Promise<Run> {
  const { port } = server.address() as AddressInfo;
  const { stdout } = await promisify(execFile)(process.execPath, [driver, bundleDir, ...events.map(fixture)], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test-secret-key',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
      [LAMBDA_ENV.originVerifySecretArn]: SECRET_ARN,
    },
  });
  const lines = stdout.split('\n').filter((line) => line !== '');
  const result = lines.find((line) => line.startsWith('RESULT '));
  if (result === undefined) throw new Error(`driver printed no RESULT line:\n${stdout}`);
  return { results: JSON.parse(result.slice('RESULT '.length)) as Captured[], lines: lines.filter((line) => line !== result) };
}

describe('runtime bundle (index.mjs + plan.json) in a fresh Node process', () => {
  it('loads the embedded Plan, checks the origin header and serves requests', async () => {
    const [health, models, direct] = await runBundle(['healthz-get', 'models-get', 'direct-execute-api-get']);
    expect(health?.prelude.statusCode).toBe(200);
    expect(JSON.parse(health?.body ?? '')).toEqual({ status: 'ok', gateway: 'quickstart', stage: 'default', plan: plan.hash });
    expect(models?.prelude.statusCode).toBe(200);
    expect(direct?.prelude.statusCode).toBe(403);
    expect(JSON.parse(direct?.body ?? '')).toMatchObject({ error: { code: 'origin_forbidden' } });
  });

  it('reads the origin secret from Secrets Manager once per cold start', async () => {
    secretRequests.length = 0;
    await runBundle(['healthz-get', 'models-get', 'chat-completions-post']);
    expect(secretRequests).toEqual([{ target: 'secretsmanager.GetSecretValue', body: { SecretId: SECRET_ARN } }]);
  });

  it('streams a chat completion through the whole pipeline inside the bundle', async () => {
    const [chat] = await runBundle(['chat-completions-post']);
    expect(chat?.prelude.statusCode).toBe(200);
    expect(chat?.prelude.headers).toMatchObject({ 'content-type': 'text/event-stream; charset=utf-8', 'x-sluice-route': 'chat' });
    expect(chat?.body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('writes CloudWatch embedded-metric documents to stdout for each request, and nothing else', async () => {
    const { lines } = await runBundleWithOutput(['chat-completions-post']);
    expect(lines.length).toBeGreaterThan(0);
    const docs = lines.map((line) => JSON.parse(line) as { _aws?: { CloudWatchMetrics?: { Namespace: string }[] }; Route?: string });
    for (const doc of docs) expect(doc._aws?.CloudWatchMetrics?.[0]?.Namespace).toBe('Sluice');
    expect(docs.some((doc) => doc.Route === 'chat')).toBe(true);
  });
});
