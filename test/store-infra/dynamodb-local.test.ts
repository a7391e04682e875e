/** The globalSetup's DynamoDB Local: the injected endpoint answers, tables are per file, the jar is cached, failures say what is missing, and no JVM outlives a killed test run. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { DYNAMODB_LOCAL_PACKAGE } from '../setup/dynamodb-local-jar.ts';
import { dynamoLocalClient, dynamoLocalEndpoint, freshTable } from '../setup/dynamo.ts';
import { ROOT } from '../support/cli.ts';

const tsx = (code: string, env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', env, timeout: 120_000 });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('DynamoDB Local from the globalSetup', () => {
  it('provides a loopback endpoint that answers ListTables', async () => {
    expect(inject('dynamodbEndpoint')).toBe(dynamoLocalEndpoint());
    expect(dynamoLocalEndpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = dynamoLocalClient();
    try {
      const tables = await client.send(new ListTablesCommand({}));
      expect(tables.$metadata.httpStatusCode).toBe(200);
    } finally {
      client.destroy();
    }
  });

  it('hands out a fresh, ACTIVE state table per call', async () => {
    const a = await freshTable('setup-test');
    const b = await freshTable('setup-test');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^setup-test-/);
    const client = dynamoLocalClient();
    try {
      for (const name of [a, b]) expect((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus).toBe('ACTIVE');
    } finally {
      client.destroy();
    }
    await expect(freshTable('bad prefix')).rejects.toThrow('freshTable: prefix "bad prefix"');
  });

  it('runs the jar cached under .sluice/dynamodb-local/<version>/', () => {
    const dir = join(ROOT, '.sluice', 'dynamodb-local', DYNAMODB_LOCAL_PACKAGE.version, 'emulator');
    expect(existsSync(join(dir, 'DynamoDBLocal.jar'))).toBe(true);
    expect(existsSync(join(dir, 'DynamoDBLocal_lib', 'libsqlite4java-linux-amd64.so'))).toBe(true);
    // Never committed: .gitignore ignores the whole .sluice/ folder.
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.sluice/');
  });
});

describe('DynamoDB Local failures are loud', () => {
  it('says that java is missing', () => {
    const r = tsx(`import { checkJava } from './test/setup/dynamodb-local-process.ts'; try { checkJava(); } catch (e) { process.stdout.write(e.message); }`, { ...process.env, PATH: '/nonexistent' });
    expect(r.stdout).toBe('DynamoDB Local needs Java: no `java` on PATH. Install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and run the tests again.');
  });

  it('says that the download failed, and leaves no partial cache', () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-ddbl-fail-'));
    try {
      const env = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_cache: join(root, 'npm-cache'), npm_config_fetch_retries: '0', npm_config_offline: 'false' };
      const r = tsx(`import { ensureDynamoLocal } from './test/setup/dynamodb-local-jar.ts'; try { ensureDynamoLocal(${JSON.stringify(root)}); } catch (e) { process.stdout.write(e.message); }`, env);
      expect(r.stdout).toMatch(/^DynamoDB Local: downloading amplify-dynamodb-simulator@2\.9\.30 from the npm registry failed \(npm pack /);
      expect(spawnSync('ls', ['-A', join(root, '.sluice', 'dynamodb-local')], { encoding: 'utf8' }).stdout).toBe('');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('no orphan JVM', () => {
  it('kills DynamoDB Local when the process that started it is SIGKILLed', async () => {
    const code = `
      import { ensureDynamoLocal } from './test/setup/dynamodb-local-jar.ts';
      import { startDynamoLocal } from './test/setup/dynamodb-local-process.ts';
      const local = await startDynamoLocal(ensureDynamoLocal(process.cwd()));
      process.stdout.write(JSON.stringify({ pid: local.pid, watchdogPid: local.watchdogPid }) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const pids = await new Promise<{ pid: number; watchdogPid: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no pids: ${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = /^\{.*\}$/m.exec(out);
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line[0]) as { pid: number; watchdogPid: number });
        }
      });
      child.once('exit', (c) => reject(new Error(`child exited with ${c}: ${out}`)));
    });
    try {
      expect(alive(pids.pid)).toBe(true);
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await gone;
      const deadline = Date.now() + 15_000;
      while ((alive(pids.pid) || alive(pids.watchdogPid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(alive(pids.pid)).toBe(false);
      expect(alive(pids.watchdogPid)).toBe(false);
    } finally {
      if (alive(pids.pid)) process.kill(pids.pid, 'SIGKILL');
    }
  });
});
