// Profiles `sluice dev` under load: runs it with `node --cpu-prof` behind the shared mock upstream, drives ~10 s of load with the harness, then summarizes the .cpuprofile's top self-time functions, request path and start-up apart (and puts them in docs/benchmarks.md).
//
//   node bench/profile.mjs [--spec proxy|quickstart] [--seconds 10] [--connections 16] [--no-doc]
//
// Half the time is non-streaming load, half streaming, both at --connections. The profile and its summary stay
// in .sluice/bench/profile/<timestamp>/. Profiling itself costs CPU, so the CPU ms per request printed here is
// higher than `npm run bench` measures; read the shares, not the absolute times.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, render } from './cpuprofile-top.mjs';
import { replaceSection } from './lib/report.mjs';
import { BenchError, freePort, installCleanup, pidAlive, runBounded, sleep, spawnTracked, stop, waitHttp } from './lib/procs.mjs';
import { CACHE, ROOT, ensureHarnessDeps, locateHarness, primeSluice } from './lib/setup.mjs';

installCleanup();
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const specName = opt('spec', 'proxy');
if (!['proxy', 'quickstart'].includes(specName)) throw new BenchError('--spec is proxy or quickstart');
const seconds = Number(opt('seconds', '10'));
const connections = Number(opt('connections', '16'));
if (!(seconds >= 2 && seconds <= 120) || !(connections >= 1 && connections <= 256)) throw new BenchError('--seconds 2..120, --connections 1..256');
const log = (m) => process.stdout.write(`[profile] ${m}\n`);

const harness = locateHarness();
const deps = await ensureHarnessDeps(harness, log);
await primeSluice(path.join(ROOT, 'bench', 'specs', 'quickstart.yaml'), log);
const hook = pathToFileURL(path.join(ROOT, 'bench', 'lib', 'harness-deps.mjs')).href;
const pinned = fs.existsSync('/usr/bin/taskset') || fs.existsSync('/bin/taskset');
const pin = (cpu, argv) => (pinned ? ['taskset', '-c', cpu, ...argv] : argv);
const env = { ...process.env, BENCH_UPSTREAM_KEY: 'sk-bench-mock', ...(deps ? { BENCH_HARNESS_DEPS: deps } : {}) };

const outDir = path.join(CACHE, 'profile', new Date().toISOString().replace(/[:T]/g, '-').replace(/\..*$/, ''));
const profDir = path.join(outDir, 'cpuprofile');
fs.mkdirSync(profDir, { recursive: true });

const mockPort = await freePort(18080);
const gwPort = await freePort(0, new Set([mockPort]));
const [mc, ...ma] = pin('1', [process.execPath, path.join(harness, 'mock-upstream.mjs')]);
const mock = spawnTracked(mc, ma, { name: 'mock', env: { ...env, MOCK_PORT: String(mockPort), MOCK_MAX_LIFETIME_S: '600' }, logFile: path.join(outDir, 'mock.log') });
if (!(await waitHttp(`http://127.0.0.1:${mockPort}/health`))) throw new BenchError('mock upstream did not start');

let spec = path.join(ROOT, 'bench', 'specs', `${specName}.yaml`);
if (specName === 'proxy' && mockPort !== 18080) {
  const rendered = path.join(outDir, 'proxy.yaml');
  fs.writeFileSync(rendered, fs.readFileSync(spec, 'utf8').replaceAll('127.0.0.1:18080', `127.0.0.1:${mockPort}`));
  spec = rendered;
}
const headers = specName === 'quickstart' ? ['--header', 'authorization: Bearer sk-sluice-demo'] : [];
const [gc, ...ga] = pin('0', [process.execPath, '--cpu-prof', `--cpu-prof-dir=${profDir}`, path.join(ROOT, 'bin', 'sluice.mjs'), 'dev', spec, '--port', String(gwPort)]);
const spawnedAt = performance.now();
const gw = spawnTracked(gc, ga, { name: 'sluice dev', env, logFile: path.join(outDir, 'gateway.log'), cwd: ROOT });
if (!(await waitHttp(`http://127.0.0.1:${gwPort}/healthz`, 30_000))) throw new BenchError(`sluice dev did not start; see ${path.join(outDir, 'gateway.log')}`);
log(`sluice dev ${path.relative(ROOT, spec)} on port ${gwPort} (pid ${gw.pid}) under --cpu-prof; ${seconds} s of load at c=${connections}`);

const base = `http://127.0.0.1:${gwPort}/v1`;
// samples from before the load (start-up: tsx, spec compile) are left out of the summary
const fromMs = Math.max(0, Math.round(performance.now() - spawnedAt));
const cpu = {};
for (const mode of ['json', 'stream']) {
  const file = path.join(outDir, `load-${mode}.json`);
  const [lc, ...la] = pin('1', [
    process.execPath, ...(deps ? ['--import', hook] : []), path.join(harness, 'load.mjs'), '--base', base, ...headers, '--connections', String(connections),
    '--duration', String(Math.max(1, Math.round(seconds / 2))), '--warmup', '1', ...(mode === 'stream' ? ['--stream'] : []), '--pid', String(gw.pid), '--label', `profile-${mode}`, '--out', file,
  ]);
  const r = await runBounded(lc, la, { env, timeoutS: seconds + 60 });
  if (r.code !== 0) throw new BenchError(`load (${mode}) failed`);
  cpu[mode] = JSON.parse(fs.readFileSync(file, 'utf8')).gateway?.cpu_ms_per_req;
}

// The profile is written when the process exits normally: SIGTERM (sluice dev closes and returns), wait for it.
process.kill(gw.pid, 'SIGTERM');
for (let i = 0; i < 300 && pidAlive(gw.pid); i++) await sleep(50);
await stop(gw.pid, 1000);
await stop(mock.pid);

const profiles = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(profDir, f));
if (!profiles.length) throw new BenchError(`no .cpuprofile in ${profDir} (did sluice dev exit cleanly on SIGTERM?)`);
// the main thread's profile is the largest (tsx's loader thread writes a small one too)
const file = profiles.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const a = analyze(profile, { fromMs });
const boot = analyze(profile, { toMs: fromMs });
const text = `REQUEST PATH (under load)\n\n${render(a, { top: 25 })}\nSTART-UP (spawn → ready, first ${fromMs} ms)\n\n${render(boot, { top: 10, files: 8, own: 8 })}`;
fs.writeFileSync(path.join(outDir, 'summary.txt'), text + '\n');
process.stdout.write(`\n${text}\n`);
log(`profile ${path.relative(ROOT, file)} (node bench/cpuprofile-top.mjs FILE --from-ms ${fromMs} re-reads it); CPU ms/request while profiled: json ${cpu.json}, stream ${cpu.stream}`);

if (!args.includes('--no-doc')) {
  const docFile = path.join(ROOT, 'docs', 'benchmarks.md');
  if (!fs.existsSync(docFile)) {
    log('docs/benchmarks.md does not exist yet (run npm run bench first); not written');
  } else {
    const md = [
      `\`node bench/profile.mjs --spec ${specName}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: \`sluice dev bench/specs/${specName}.yaml\` under`,
      `\`node --cpu-prof\`, ${Math.round(seconds / 2)} s of JSON then ${Math.round(seconds / 2)} s of streaming load at c=${connections} (after 1 s warm-up each). CPU per request while`,
      `profiled: json ${cpu.json} ms, stream ${cpu.stream} ms (profiling adds its own cost; read the shares). The start-up (first ${(fromMs / 1000).toFixed(1)} s) is left out.`,
      '',
      '#### Request path (under load)',
      '',
      render(a, { top: 20, markdown: true, files: 10, own: 10 }),
      `#### Start-up (spawn → ready, first ${(fromMs / 1000).toFixed(1)} s of the profile)`,
      '',
      render(boot, { top: 10, markdown: true, files: 8, own: 8 }),
    ].join('\n');
    fs.writeFileSync(docFile, replaceSection(fs.readFileSync(docFile, 'utf8'), 'profile', md));
    log('updated the profile section of docs/benchmarks.md');
  }
}
