// `npm run bench`: one run over one mock upstream measuring the floor proxy, Sluice (proxy and quickstart-style) and Portkey with the shared harness, printing the comparison and writing docs/benchmarks.md.
//
//   npm run bench                 full run (about 4–5 minutes with the defaults)
//   npm run bench -- --quick      short smoke run (3 s levels, 50 TTFB streams); does not write the doc
//   npm run bench -- --report DIR  re-render the table and docs/benchmarks.md from a saved run (.sluice/bench/results/<ts>)
//   npm run bench -- --help       knobs
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { consoleReport, extractSection, renderDoc } from './lib/report.mjs';
import { BenchError, cpuSnapshot, freePort, installCleanup, machineBusyPct, othersCpuPct, readPidfile, runBounded, spawnTracked, stop, track, unwatchPidfile, waitHttp, watchPidfile } from './lib/procs.mjs';
import { CACHE, ROOT, ensureHarnessDeps, ensurePortkey, locateHarness, primeSluice } from './lib/setup.mjs';

const HELP = `npm run bench [-- --quick | --report DIR] — gateway overhead: floor, Sluice proxy, Sluice quickstart-style, Portkey.

  --quick        short smoke run (3 s levels, 50 TTFB streams); does not write the doc
  --report DIR   re-render the table and docs/benchmarks.md from a saved run's results.json

Environment knobs (defaults in brackets):
  BENCH_DURATION      measured seconds per load level [8] (1..120)
  BENCH_WARMUP        warm-up seconds before each level, not recorded [2]
  BENCH_CONNS         connection levels [1 16]
  BENCH_MODES         load modes [json stream]
  BENCH_TTFB_N        sequential streams for the TTFB test [200]
  BENCH_TTFB_DELAYS   mock chunk delays (ms) for the TTFB test [0]
  BENCH_GATEWAYS      setups to run [floor sluice-proxy sluice-quickstart sluice-limits sluice-cache portkey]
  BENCH_PIN           1/0: pin the gateway to BENCH_GW_CPUS [0] and mock + load generator to BENCH_CLIENT_CPUS [1]
                      with taskset [1 when taskset exists and there are >= 2 CPUs]
  BENCH_MOCK_PORT     preferred mock upstream port [18080; another free port when taken]
  BENCH_STARTUP_TIMEOUT  seconds for a gateway's first successful completion [30]
  BENCH_DOC           1: always write docs/benchmarks.md; 0: never [write when every setup ran cleanly on a quiet
                      machine and not --quick]
  BENCH_OUT           results directory [.sluice/bench/results/<timestamp>]
  BENCH_IDLE_WAIT_S   before the baseline and each setup, when other processes keep the machine busy (> 15 %),
                      wait up to this long for quiet [30]
  BENCH_RETRIES       measure a load level or TTFB run again when other processes took > 10 % of a core
                      meanwhile and went quiet within 10 s; the least contended result is kept [1]
  BENCH_MAX_S         hard limit for the whole run, then everything is stopped [900]
  BENCH_HARNESS_DIR   the shared harness [../shared/bench]
`;

installCleanup();
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const quick = argv.includes('--quick');
const docFile = path.join(ROOT, 'docs', 'benchmarks.md');
function writeDocFrom(results) {
  const old = fs.existsSync(docFile) ? fs.readFileSync(docFile, 'utf8') : '';
  fs.writeFileSync(docFile, renderDoc(results, { profile: extractSection(old, 'profile'), notes: extractSection(old, 'notes') }));
}
if (argv.includes('--report')) {
  // Re-render the table (and, unless BENCH_DOC=0, the doc) from a saved run without measuring again.
  const src = argv[argv.indexOf('--report') + 1];
  if (!src) throw new BenchError('--report needs a results directory or results.json');
  const file = fs.statSync(src).isDirectory() ? path.join(src, 'results.json') : src;
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  process.stdout.write(consoleReport(saved) + '\n');
  if (process.env.BENCH_DOC !== '0') {
    writeDocFrom(saved);
    process.stdout.write(`wrote ${path.relative(ROOT, docFile)} from ${file}\n`);
  }
  process.exit(0);
}
const env = process.env;
const num = (name, dflt, lo, hi) => {
  const v = env[name] === undefined || env[name] === '' ? dflt : Number(env[name]);
  if (!Number.isFinite(v) || v < lo || v > hi) throw new BenchError(`${name} must be a number from ${lo} to ${hi}`);
  return v;
};
const list = (name, dflt) => (env[name] || dflt).split(/[\s,]+/).filter(Boolean);

const ALL = ['floor', 'sluice-proxy', 'sluice-quickstart', 'sluice-limits', 'sluice-cache', 'portkey'];
const cfg = {
  duration: num('BENCH_DURATION', quick ? 3 : 8, 1, 120),
  warmup: num('BENCH_WARMUP', quick ? 1 : 2, 0, 60),
  conns: list('BENCH_CONNS', '1 16').map(Number),
  modes: list('BENCH_MODES', 'json stream'),
  ttfbN: num('BENCH_TTFB_N', quick ? 50 : 200, 1, 5000),
  ttfbDelays: list('BENCH_TTFB_DELAYS', '0'),
  gateways: list('BENCH_GATEWAYS', ALL.join(' ')),
  startupTimeout: num('BENCH_STARTUP_TIMEOUT', 30, 1, 300),
  maxS: num('BENCH_MAX_S', 900, 30, 3600),
  idleWaitS: num('BENCH_IDLE_WAIT_S', 30, 0, 600),
  retries: num('BENCH_RETRIES', 1, 0, 5),
  gwCpus: env.BENCH_GW_CPUS || '0',
  clientCpus: env.BENCH_CLIENT_CPUS || '1',
};
for (const g of cfg.gateways) if (!ALL.includes(g)) throw new BenchError(`BENCH_GATEWAYS: unknown setup "${g}" (known: ${ALL.join(', ')})`);
for (const m of cfg.modes) if (!['json', 'stream'].includes(m)) throw new BenchError(`BENCH_MODES: unknown mode "${m}"`);
for (const c of cfg.conns) if (!(Number.isInteger(c) && c >= 1 && c <= 1024)) throw new BenchError('BENCH_CONNS: connection levels are integers 1..1024');
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
cfg.pin = env.BENCH_PIN ? env.BENCH_PIN === '1' : hasTaskset && os.cpus().length >= 2;
if (cfg.pin && !hasTaskset) throw new BenchError('BENCH_PIN=1 but taskset is not available');

const t0 = Date.now();
const clock = () => {
  const s = Math.round((Date.now() - t0) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
const log = (msg) => process.stdout.write(`[${clock()}] ${msg}\n`);

const watchdog = setTimeout(() => {
  throw new BenchError(`the run exceeded BENCH_MAX_S=${cfg.maxS} s; stopped`);
}, cfg.maxS * 1000);

// ------------------------------------------------------------------ setup
const harness = locateHarness();
const deps = await ensureHarnessDeps(harness, log);
const portkey = cfg.gateways.includes('portkey') ? await ensurePortkey(log) : null;

const stamp = new Date().toISOString().replace(/[:T]/g, '-').replace(/\..*$/, '');
const runDir = path.resolve(env.BENCH_OUT || path.join(CACHE, 'results', stamp));
fs.mkdirSync(runDir, { recursive: true });
const pinClient = cfg.pin ? ['taskset', '-c', cfg.clientCpus] : [];
const pinGw = cfg.pin ? ['taskset', '-c', cfg.gwCpus] : [];
const harnessEnv = { ...process.env, ...(deps ? { BENCH_HARNESS_DEPS: deps } : {}) };
const hook = pathToFileURL(path.join(ROOT, 'bench', 'lib', 'harness-deps.mjs')).href;

/** argv running one harness script with the client pinning and, when needed, the dependency hook. */
const harnessCmd = (script, args) => {
  const full = [...pinClient, process.execPath, ...(deps ? ['--import', hook] : []), path.join(harness, script), ...args];
  return [full[0], full.slice(1)];
};

const levels = cfg.modes.length * cfg.conns.length;
const setupsN = cfg.gateways.length + 1;
const estimate = setupsN * (levels * (cfg.duration + cfg.warmup + 1) + 3) + 10;
log(`bench: ${cfg.gateways.join(', ')} (+ direct baseline); ${levels} load levels × ${cfg.duration}+${cfg.warmup} s each; about ${Math.ceil(estimate / 60)} min`);
log(`harness ${harness}${deps ? ` (autocannon from ${path.relative(ROOT, deps)})` : ''}; results in ${path.relative(ROOT, runDir)}`);
log(`pinning: ${cfg.pin ? `gateway on CPU ${cfg.gwCpus}, mock + load generator on CPU ${cfg.clientCpus}` : 'off'}`);

// ------------------------------------------------------------------ is the machine quiet?
// Other processes on these few cores (a test suite, a build) inflate every figure; wait a little for quiet, and
// record how busy the machine was before each setup so the report can say so.
const BUSY_LIMIT = 15; // % of the whole machine, sampled before each setup
const OTHERS_LIMIT = 10; // % of one core used by other processes during a load window
const busyBefore = {};

// ------------------------------------------------------------------ mock upstream
const used = new Set();
const mockPort = await freePort(Number(env.BENCH_MOCK_PORT || 18080));
used.add(mockPort);
const mockBase = `http://127.0.0.1:${mockPort}/v1`;
const [mockCmd, ...mockArgs] = [...pinClient, process.execPath, path.join(harness, 'mock-upstream.mjs')];
const mock = spawnTracked(mockCmd, mockArgs, {
  name: 'mock-upstream',
  env: { ...process.env, MOCK_HOST: '127.0.0.1', MOCK_PORT: String(mockPort), MOCK_STREAM_DELAY_MS: '0', MOCK_MAX_LIFETIME_S: String(cfg.maxS + 60) },
  logFile: path.join(runDir, 'mock.log'),
});
if (!(await waitHttp(`http://127.0.0.1:${mockPort}/health`, 10_000))) throw new BenchError(`the mock upstream did not start on port ${mockPort}; see ${path.join(runDir, 'mock.log')}`);
log(`mock upstream on ${mockBase} (pid ${mock.pid})`);

// ------------------------------------------------------------------ measurement steps
const readJson = (f) => {
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch {
    return null;
  }
};
const hdrArgs = (headers) => headers.flatMap((h) => ['--header', h]);

/**
 * Runs one measurement, and when other processes used more than OTHERS_LIMIT % of a core meanwhile, waits for
 * quiet and runs it again (BENCH_RETRIES times at most); keeps the least contended result.
 * `attempt` resolves { res, code, timedOut } with res null on failure.
 */
async function leastContended(what, pids, attempt) {
  let best = null;
  for (let i = 0; i <= cfg.retries; i++) {
    if (i > 0) {
      // measuring again only helps when the other processes went quiet; under steady load, keep what we have
      const b = await waitQuiet(what, Math.min(cfg.idleWaitS, 10));
      if (b !== null && b > BUSY_LIMIT) break;
    }
    const before = cpuSnapshot(pids);
    const r = await attempt();
    r.others = othersCpuPct(before, cpuSnapshot(pids));
    if (!r.res) return r;
    r.res.others_cpu_pct = r.others;
    r.res.attempts = i + 1;
    if (!best || (r.others ?? 0) < (best.others ?? 0)) best = r;
    if (r.others == null || r.others <= OTHERS_LIMIT) break;
    if (i < cfg.retries) log(`  ${what}: other processes used ${r.others} % of a core meanwhile; measuring again once they are quiet`);
  }
  return best;
}

/** Load levels against base; results keyed "json-c16". */
async function loadLevels(dir, prefix, base, headers, pid, errors) {
  const out = {};
  for (const mode of cfg.modes) {
    for (const c of cfg.conns) {
      const file = path.join(dir, `${prefix}-${mode}-c${c}.json`);
      const [cmd, args] = harnessCmd('load.mjs', [
        '--base', base, ...hdrArgs(headers), '--connections', String(c), '--duration', String(cfg.duration), '--warmup', String(cfg.warmup),
        ...(mode === 'stream' ? ['--stream'] : []), '--model', 'gpt-4o-mini', ...(pid ? ['--pid', String(pid)] : []), '--mock-pid', String(mock.pid),
        '--label', `${prefix}-${mode}`, '--out', file,
      ]);
      const r = await leastContended(`${prefix} ${mode} c=${c}`, [pid, mock.pid], async () => {
        const run = await runBounded(cmd, args, { env: harnessEnv, timeoutS: cfg.warmup + cfg.duration + 40, logFile: path.join(dir, 'run.log') });
        return { ...run, res: run.code === 0 ? readJson(file) : null };
      });
      const res = r.res;
      if (res) fs.writeFileSync(file, JSON.stringify(res, null, 2) + '\n');
      if (!res) errors.push(`load ${mode} c=${c} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''})`);
      else if (res.errors + res.timeouts + res.non2xx > 0) errors.push(`load ${mode} c=${c}: ${res.errors} errors, ${res.timeouts} timeouts, ${res.non2xx} non-2xx of ${res.requests_2xx + res.non2xx}`);
      out[`${mode}-c${c}`] = res;
    }
  }
  return out;
}

async function ttfbRuns(dir, prefix, base, headers, pid, errors) {
  const out = {};
  for (const d of cfg.ttfbDelays) {
    const file = path.join(dir, `ttfb-${prefix}-d${d}.json`);
    const [cmd, args] = harnessCmd('ttfb.mjs', ['--base', base, ...hdrArgs(headers), '--n', String(cfg.ttfbN), '--warmup', '10', '--model', `gpt-4o-mini-delay-${d}ms`, '--label', `ttfb-${prefix}-d${d}`, '--out', file]);
    const r = await leastContended(`${prefix} TTFB`, [pid, mock.pid], async () => {
      const run = await runBounded(cmd, args, { env: harnessEnv, timeoutS: 300, logFile: path.join(dir, 'run.log') });
      const res = readJson(file);
      return { ...run, res: res?.ok ? res : null };
    });
    const res = r.res;
    if (res) fs.writeFileSync(file, JSON.stringify(res, null, 2) + '\n');
    if (!res) errors.push(`TTFB (chunk delay ${d} ms) failed (exit ${r.code})`);
    else if (res.failures) errors.push(`TTFB (chunk delay ${d} ms): ${res.failures} of ${res.requests} streams failed validation: ${JSON.stringify(res.fail_reasons)}`);
    out[d] = res;
  }
  return out;
}

const runAllMeta = (name, base, headers, cmd) => ({
  // run-all.sh's meta.json fields, so ../shared/bench/summarize.mjs and compare.mjs read these directories too
  name, date: new Date().toISOString(), base_url: base, headers, gateway_cmd: cmd, mock_base: mockBase, conns: cfg.conns.join(' '), duration: cfg.duration,
  warmup: cfg.warmup, modes: cfg.modes.join(' '), load_stream_delay_ms: 0, stream_chunks: 20, ttfb_n: cfg.ttfbN, ttfb_warmup: 10, ttfb_delays: cfg.ttfbDelays.join(' '),
  model: 'gpt-4o-mini', pin: cfg.pin ? '1' : '0', gw_cpus: cfg.gwCpus, client_cpus: cfg.clientCpus, node: process.version, nproc: os.cpus().length, kernel: os.release(),
});

// direct baseline
busyBefore.direct = await waitQuiet('the direct baseline');
log('direct to the mock (baseline)');
const directDir = path.join(runDir, 'direct');
fs.mkdirSync(directDir, { recursive: true });
const direct = { label: 'direct', errors: [] };
direct.load = await loadLevels(directDir, 'direct', mockBase, [], null, direct.errors);
direct.ttfb = await ttfbRuns(directDir, 'direct', mockBase, [], null, direct.errors);

// the setups
const portkeyHeaders = ['x-portkey-provider: openai', `x-portkey-custom-host: ${mockBase}`];
function proxySpec(name = 'proxy') {
  const spec = path.join(ROOT, 'bench', 'specs', `${name}.yaml`);
  if (mockPort === 18080) return spec;
  const rendered = path.join(runDir, `${name}.yaml`);
  fs.writeFileSync(rendered, fs.readFileSync(spec, 'utf8').replaceAll('127.0.0.1:18080', `127.0.0.1:${mockPort}`));
  return rendered;
}
const sluiceBin = path.join(ROOT, 'bin', 'sluice.mjs');
const SETUPS = {
  floor: (port) => ({ label: 'floor', cmd: [process.execPath, path.join(ROOT, 'bench', 'floor-proxy.mjs'), '--port', String(port), '--upstream', `http://127.0.0.1:${mockPort}`], headers: [] }),
  'sluice-proxy': (port) => ({ label: 'Sluice proxy', cmd: [process.execPath, sluiceBin, 'dev', proxySpec(), '--port', String(port)], headers: [] }),
  'sluice-quickstart': (port) => ({
    label: 'Sluice quickstart-style',
    cmd: [process.execPath, sluiceBin, 'dev', path.join(ROOT, 'bench', 'specs', 'quickstart.yaml'), '--port', String(port)],
    headers: ['authorization: Bearer sk-sluice-demo'],
  }),
  'sluice-limits': (port) => ({ label: 'Sluice proxy + limits', cmd: [process.execPath, sluiceBin, 'dev', proxySpec('proxy-limits'), '--port', String(port)], headers: [] }),
  'sluice-cache': (port) => ({ label: 'Sluice proxy + cache', cmd: [process.execPath, sluiceBin, 'dev', proxySpec('proxy-cache'), '--port', String(port)], headers: [] }),
  portkey: (port) => ({
    label: 'Portkey',
    cmd: [process.execPath, '--require', path.join(harness, 'loopback-listen.cjs'), portkey.server, `--port=${port}`, '--headless'],
    headers: portkeyHeaders,
  }),
};

/** Waits (up to maxS, default BENCH_IDLE_WAIT_S) until other processes leave the machine quiet; returns the last busy %. */
async function waitQuiet(what, maxS = cfg.idleWaitS) {
  let b = await machineBusyPct(500);
  if (b === null || b <= BUSY_LIMIT || maxS === 0) return b;
  log(`the machine is ${b} % busy with other processes before ${what}; waiting up to ${maxS} s for quiet`);
  const until = Date.now() + maxS * 1000;
  while (b > BUSY_LIMIT && Date.now() < until) b = await machineBusyPct(1000);
  log(b > BUSY_LIMIT ? `  still ${b} % busy; going on (the report notes contended figures)` : `  quiet (${b} %)`);
  return b;
}

async function measure(key) {
  busyBefore[key] = await waitQuiet(key);
  const port = await freePort(0, used);
  used.add(port);
  const s = SETUPS[key](port);
  const base = `http://127.0.0.1:${port}/v1`;
  const dir = path.join(runDir, key);
  fs.mkdirSync(dir, { recursive: true });
  const setup = { key, label: s.label, base, errors: [], load: {}, ttfb: {}, startup: null, checks: {} };
  const pidfile = path.join(dir, 'gateway.pid');
  // right before the start: a source edit since the last start would make bin/sluice.mjs rebuild its bundle inside the timed start
  if (key.startsWith('sluice-')) {
    await primeSluice(path.join(ROOT, 'bench', 'specs', 'quickstart.yaml'), log, { spec: proxySpec(), env: { ...harnessEnv, BENCH_UPSTREAM_KEY: 'sk-bench-mock' } });
  }
  log(`${s.label}: starting on ${base}`);
  watchPidfile(pidfile);
  const [cmd, args] = harnessCmd('startup.mjs', [
    '--base', base, ...hdrArgs(s.headers), '--pidfile', pidfile, '--log', path.join(dir, 'gateway.log'), '--timeout', String(cfg.startupTimeout),
    '--out', path.join(dir, 'startup.json'), '--', ...pinGw, ...s.cmd,
  ]);
  const gwEnv = { ...harnessEnv, BENCH_UPSTREAM_KEY: 'sk-bench-mock' };
  // The gateway's working directory: sluice dev keeps its request log (hundreds of MB per setup)
  // and state store under it, removed after the setup so neither carries into the next one (the
  // kernel writing back a multi-GB log slowed later start-ups by ~90 ms).
  const work = path.join(dir, 'cwd');
  fs.mkdirSync(work, { recursive: true });
  const r = await runBounded(cmd, args, { env: gwEnv, cwd: work, timeoutS: cfg.startupTimeout + 15, logFile: path.join(dir, 'run.log') });
  const pid = readPidfile(pidfile);
  if (pid) track(pid, key);
  try {
    setup.startup = readJson(path.join(dir, 'startup.json'));
    if (r.code !== 0 || !setup.startup) {
      setup.failed = true;
      setup.errors.push(`did not start (exit ${r.code}); see ${path.relative(ROOT, path.join(dir, 'gateway.log'))}`);
      return setup;
    }
    for (const kind of ['json', 'stream']) {
      const file = path.join(dir, `check-${kind}.json`);
      const [c, a] = harnessCmd('ttfb.mjs', ['--base', base, ...hdrArgs(s.headers), '--n', '3', '--warmup', '0', ...(kind === 'json' ? ['--non-stream'] : []), '--label', `check-${kind}`, '--out', file]);
      const cr = await runBounded(c, a, { env: harnessEnv, timeoutS: 60, logFile: path.join(dir, 'run.log') });
      setup.checks[kind] = cr.code === 0;
      if (cr.code !== 0) setup.errors.push(`${kind} answers through the gateway failed the harness's validation: ${JSON.stringify(readJson(file)?.fail_reasons ?? cr.out.trim().slice(0, 200))}`);
    }
    setup.load = await loadLevels(dir, 'gw', base, s.headers, pid, setup.errors);
    setup.ttfb = await ttfbRuns(dir, 'gw', base, s.headers, pid, setup.errors);
    if (Object.values(setup.load).some((x) => !x) || Object.values(setup.ttfb).some((x) => !x)) setup.failed = true;
  } finally {
    await stop(pid);
    unwatchPidfile(pidfile);
    fs.rmSync(work, { recursive: true, force: true });
    // run-all.sh layout, for ../shared/bench/summarize.mjs and compare.mjs
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(runAllMeta(s.label, base, s.headers, s.cmd.join(' ')), null, 2) + '\n');
    for (const f of fs.readdirSync(directDir).filter((f) => f.endsWith('.json'))) fs.copyFileSync(path.join(directDir, f), path.join(dir, f));
  }
  return setup;
}

const setups = [];
for (const key of ALL.filter((k) => cfg.gateways.includes(k))) setups.push(await measure(key));
await stop(mock.pid);
clearTimeout(watchdog);

// ------------------------------------------------------------------ report
function cpuModel() {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}
function osName() {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1];
    return `${pretty ?? os.type()}, kernel ${os.release()}`;
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}
function sluiceCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'runtime', 'compiler', 'bin'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return `\`${head}\`${dirty ? ' with uncommitted changes in runtime/compiler' : ''}`;
  } catch {
    return 'unknown commit';
  }
}
const now = new Date();
const results = {
  meta: {
    date: `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    os: osName(),
    node: process.version,
    sluiceCommit: sluiceCommit(),
    portkeyVersions: portkey?.versions ?? null,
    pin: cfg.pin,
    gwCpus: cfg.gwCpus,
    clientCpus: cfg.clientCpus,
    duration: cfg.duration,
    warmup: cfg.warmup,
    conns: cfg.conns,
    modes: cfg.modes,
    ttfbN: cfg.ttfbN,
    ttfbDelays: cfg.ttfbDelays,
    mockBase,
    runDir,
    busyBefore,
    busyLimit: BUSY_LIMIT,
    othersLimit: OTHERS_LIMIT,
    totalS: Math.round((Date.now() - t0) / 1000),
  },
  direct,
  setups,
};
fs.writeFileSync(path.join(runDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
const report = consoleReport(results);
fs.writeFileSync(path.join(runDir, 'table.md'), report + '\n');
process.stdout.write(`\n${report}\n\n`);

const complete = setups.length === ALL.length && !setups.some((s) => s.failed) && direct.errors.length === 0;
const loadsOf = (x) => [...Object.values(x.load ?? {}), ...Object.values(x.ttfb ?? {})].filter(Boolean);
const quiet =
  Object.values(busyBefore).every((b) => b === null || b <= BUSY_LIMIT) &&
  [direct, ...setups].flatMap(loadsOf).every((r) => r.others_cpu_pct == null || r.others_cpu_pct <= OTHERS_LIMIT);
const writeDoc = env.BENCH_DOC === '1' || (env.BENCH_DOC !== '0' && !quick && complete && quiet);
if (writeDoc) {
  writeDocFrom(results);
  log(`wrote ${path.relative(ROOT, docFile)}`);
} else {
  const why = quick ? '--quick' : env.BENCH_DOC === '0' ? 'BENCH_DOC=0' : !complete ? 'not every setup ran cleanly' : 'other processes kept the machine busy';
  log(`docs/benchmarks.md not written (${why}; BENCH_DOC=1 forces it, or npm run bench -- --report ${path.relative(ROOT, runDir)})`);
}
log(`done in ${results.meta.totalS} s; raw results in ${path.relative(ROOT, runDir)}`);
process.exitCode = setups.some((s) => s.failed) || direct.errors.length ? 1 : 0;
