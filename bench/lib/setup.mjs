// Finds the shared bench harness and installs what the bench needs into git-ignored caches under .sluice/bench/: autocannon for the harness, and the Portkey gateway with its Hono versions pinned.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError, freePort, runBounded, spawnTracked, stop, waitHttp } from './procs.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = path.join(ROOT, '.sluice', 'bench');

/** The harness scripts the bench calls (never copies) and the files its dependency install needs. */
const HARNESS_FILES = ['load.mjs', 'ttfb.mjs', 'startup.mjs', 'mock-upstream.mjs', 'lib.mjs', 'loopback-listen.cjs', 'package.json', 'package-lock.json'];

export const PORTKEY = {
  version: '1.15.2',
  // Portkey's own lockfile versions; with today's floating @hono/node-server 1.19.x every streaming request
  // fails with 500 "immutable" (see ../shared/bench/README.md).
  overrides: { '@hono/node-server': '1.13.5', '@hono/node-ws': '1.2.0', hono: '4.9.7' },
};

/** The shared harness directory: $BENCH_HARNESS_DIR, else ../shared/bench beside the repo. Throws a clear BenchError when absent. */
export function locateHarness() {
  const dir = process.env.BENCH_HARNESS_DIR ? path.resolve(process.env.BENCH_HARNESS_DIR) : path.resolve(ROOT, '../shared/bench');
  const missing = HARNESS_FILES.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length) {
    throw new BenchError(
      `the shared bench harness is not at ${dir}${missing.length < HARNESS_FILES.length ? ` (missing ${missing.join(', ')})` : ''}.\n` +
        `  npm run bench measures with the harness's load.mjs, ttfb.mjs, startup.mjs and mock-upstream.mjs; it does not vendor them.\n` +
        `  Put the shared/ folder beside this repository (../shared/bench) or set BENCH_HARNESS_DIR=/path/to/bench.`,
    );
  }
  return dir;
}

const sha = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Environment for a child npm: without the npm_* variables of the `npm run` that started us (they point npm at the repo). */
function npmEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

async function npm(args, cwd, log) {
  log(`npm ${args.join(' ')}  (in ${path.relative(ROOT, cwd) || '.'})`);
  const r = await runBounded('npm', [...args, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd,
    env: npmEnv(),
    timeoutS: 300,
    logFile: path.join(cwd, 'npm.log'),
  });
  if (r.code !== 0) {
    throw new BenchError(`npm ${args[0]} failed in ${cwd} (exit ${r.code}${r.timedOut ? ', timed out' : ''}); is the npm registry reachable? See ${path.join(cwd, 'npm.log')}`);
  }
}

/**
 * Makes `autocannon` importable by the harness scripts. When ../shared/bench already resolves it, returns null
 * (run the scripts as they are). Otherwise installs the harness's locked dependencies into .sluice/bench/harness
 * (copying only its package.json and package-lock.json) and returns that directory; the scripts then run with
 * bench/lib/harness-deps.mjs preloaded, which resolves their bare imports from there.
 */
export async function ensureHarnessDeps(harnessDir, log) {
  try {
    createRequire(path.join(harnessDir, 'package.json')).resolve('autocannon');
    return null;
  } catch {}
  const deps = path.join(CACHE, 'harness');
  fs.mkdirSync(deps, { recursive: true });
  let changed = false;
  for (const f of ['package.json', 'package-lock.json']) {
    const src = path.join(harnessDir, f);
    const dst = path.join(deps, f);
    if (!fs.existsSync(dst) || sha(src) !== sha(dst)) {
      fs.copyFileSync(src, dst);
      fs.chmodSync(dst, 0o644);
      changed = true;
    }
  }
  const stamp = path.join(deps, 'node_modules', '.bench-lock-sha256');
  const lockSha = sha(path.join(deps, 'package-lock.json'));
  const installed = fs.existsSync(path.join(deps, 'node_modules', 'autocannon', 'package.json'));
  if (changed || !installed || !fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== lockSha) {
    await npm(['ci'], deps, log);
    fs.writeFileSync(stamp, lockSha);
  }
  return deps;
}

function installedVersion(dir, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Installs @portkey-ai/gateway with the pinned Hono versions into .sluice/bench/portkey; returns its start-server.js. */
export async function ensurePortkey(log) {
  const dir = path.join(CACHE, 'portkey');
  fs.mkdirSync(dir, { recursive: true });
  const want = { '@portkey-ai/gateway': PORTKEY.version, ...PORTKEY.overrides };
  const pkg = JSON.stringify({ private: true, dependencies: { '@portkey-ai/gateway': PORTKEY.version }, overrides: PORTKEY.overrides }, null, 2) + '\n';
  const pkgFile = path.join(dir, 'package.json');
  const pkgChanged = !fs.existsSync(pkgFile) || fs.readFileSync(pkgFile, 'utf8') !== pkg;
  if (pkgChanged) fs.writeFileSync(pkgFile, pkg);
  const ok = () => Object.entries(want).every(([name, v]) => installedVersion(dir, name) === v);
  if (pkgChanged || !ok()) {
    await npm(['install'], dir, log);
    if (!ok()) {
      const got = Object.keys(want).map((n) => `${n}@${installedVersion(dir, n) ?? 'missing'}`).join(', ');
      throw new BenchError(`Portkey install in ${dir} did not produce the pinned versions (got ${got})`);
    }
  }
  const server = path.join(dir, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  if (!fs.existsSync(server)) throw new BenchError(`no ${server} after installing @portkey-ai/gateway@${PORTKEY.version}`);
  return { dir, server, versions: Object.fromEntries(Object.keys(want).map((n) => [n, installedVersion(dir, n)])) };
}

/**
 * `bin/sluice.mjs` builds its CLI bundle on the first start after a source change, and each
 * command leaves a V8 code cache at its exit (both in node_modules/.cache/sluice/). So that
 * start-up is measured as a user's second start, not the first after an edit: one `sluice
 * validate`, then (given `dev`) one `sluice dev` on `dev.spec` that serves a JSON and a
 * streamed completion before it is stopped. `dev.spec` should keep no state (no limits or
 * cache), so the measured runs start from the same store.
 */
export async function primeSluice(spec, log, dev = null) {
  const bin = path.join(ROOT, 'bin', 'sluice.mjs');
  const r = await runBounded(process.execPath, [bin, 'validate', spec], { cwd: ROOT, timeoutS: 180, echo: false });
  if (r.code !== 0) throw new BenchError(`sluice validate ${path.relative(ROOT, spec)} failed (exit ${r.code}):\n${r.out.trim().slice(0, 800)}`);
  if (dev === null) return log(`primed sluice (validate ${path.relative(ROOT, spec)})`);
  const port = await freePort();
  const child = spawnTracked(process.execPath, [bin, 'dev', dev.spec, '--port', String(port)], { name: 'sluice dev (priming)', cwd: ROOT, env: dev.env });
  try {
    if (!(await waitHttp(`http://127.0.0.1:${port}/healthz`, 30_000))) throw new BenchError('priming: sluice dev did not start');
    for (const stream of [false, true]) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'prime' }] }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.text();
      if (res.status !== 200) throw new BenchError(`priming: a completion through sluice dev answered ${res.status}`);
    }
  } finally {
    await stop(child.pid);
  }
  log(`primed sluice (validate ${path.relative(ROOT, spec)}; one dev session on ${path.basename(dev.spec)})`);
}
