/** Finds AWS's DynamoDB Local in the project cache, or fetches it once from the npm registry (`npm pack amplify-dynamodb-simulator`, only its `emulator/` folder kept). */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The npm package that carries the jar, pinned, with the registry's integrity of its tarball. */
export const DYNAMODB_LOCAL_PACKAGE = {
  name: 'amplify-dynamodb-simulator',
  version: '2.9.30',
  /** DynamoDB Local's own version inside it. */
  dynamodbLocal: '1.25.1',
  integrity: 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==',
} as const;

/** A usable DynamoDB Local folder. */
export interface DynamoLocalDist {
  /** The folder holding `DynamoDBLocal.jar` and `DynamoDBLocal_lib/`. */
  readonly dir: string;
  readonly jar: string;
  readonly libDir: string;
  /** Whether this call downloaded it (false: it came from the cache). */
  readonly downloaded: boolean;
}

function dist(dir: string, downloaded: boolean): DynamoLocalDist {
  return { dir, jar: join(dir, 'DynamoDBLocal.jar'), libDir: join(dir, 'DynamoDBLocal_lib'), downloaded };
}

/** A cached folder counts only if it is complete: the jar and the lib folder with the linux sqlite4java. */
function complete(dir: string): boolean {
  return existsSync(join(dir, 'DynamoDBLocal.jar')) && existsSync(join(dir, 'DynamoDBLocal_lib', 'sqlite4java.jar'));
}

function run(command: string, args: readonly string[], cwd: string, what: string, timeoutMs: number): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    const detail = r.error ? r.error.message : `exit ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`;
    throw new Error(`DynamoDB Local: ${what} failed (${command} ${args.join(' ')}): ${detail}`);
  }
  return r.stdout;
}

/**
 * The DynamoDB Local folder for this project: `<root>/.sluice/dynamodb-local/<version>/emulator`,
 * downloaded on first use. The download is `npm pack` of the pinned package into a temp folder
 * (npm's cache and registry settings apply), checked against the pinned integrity; only
 * `package/emulator/` is extracted, into a temp folder next to the cache entry that is then
 * renamed into place, so a concurrent run either wins the rename or finds the finished folder,
 * and an interrupted run leaves only a temp folder (cleaned on the next download). Throws with
 * what is missing (npm, network, tar, the jar) instead of returning something unusable.
 */
export function ensureDynamoLocal(root: string): DynamoLocalDist {
  const base = join(root, '.sluice', 'dynamodb-local');
  const final = join(base, DYNAMODB_LOCAL_PACKAGE.version);
  const dir = join(final, 'emulator');
  if (complete(dir)) return dist(dir, false);
  mkdirSync(base, { recursive: true });
  for (const name of readdirSync(base)) {
    // Leftovers of interrupted downloads (ours are named .tmp-<pid>-…); skip live ones.
    const m = /^\.tmp-(\d+)-/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(base, name), { recursive: true, force: true });
  }
  const spec = `${DYNAMODB_LOCAL_PACKAGE.name}@${DYNAMODB_LOCAL_PACKAGE.version}`;
  const download = mkdtempSync(join(tmpdir(), 'sluice-ddb-local-'));
  const staging = join(base, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    run('npm', ['pack', spec, '--silent', '--pack-destination', download], download, `downloading ${spec} from the npm registry`, 300_000);
    const tgz = readdirSync(download).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`DynamoDB Local: npm pack ${spec} produced no tarball in ${download}`);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(join(download, tgz))).digest('base64')}`;
    if (integrity !== DYNAMODB_LOCAL_PACKAGE.integrity) {
      throw new Error(`DynamoDB Local: ${spec} has integrity ${integrity}, expected ${DYNAMODB_LOCAL_PACKAGE.integrity}`);
    }
    mkdirSync(staging);
    run('tar', ['-xzf', join(download, tgz), '-C', staging, '--strip-components=1', 'package/emulator/'], download, `extracting package/emulator/ from ${tgz}`, 120_000);
    if (!complete(join(staging, 'emulator'))) throw new Error(`DynamoDB Local: ${tgz} has no emulator/DynamoDBLocal.jar with DynamoDBLocal_lib/`);
    // A folder there that is not complete was damaged by hand: replace it.
    if (existsSync(final) && !complete(dir)) rmSync(final, { recursive: true, force: true });
    try {
      renameSync(staging, final);
    } catch (err) {
      // Another run finished first (the target exists and is not empty): use its copy.
      if (!complete(dir)) throw new Error(`DynamoDB Local: cannot move ${staging} to ${final}: ${(err as Error).message}`);
    }
  } finally {
    rmSync(download, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
  if (!complete(dir)) throw new Error(`DynamoDB Local: ${join(dir, 'DynamoDBLocal.jar')} is missing after extraction`);
  return dist(dir, true);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
