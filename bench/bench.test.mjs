// Self-tests of the bench's pure parts (report maths, doc sections, .cpuprofile summary), with synthetic data: `node --test bench/`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, kindOf, render } from './cpuprofile-top.mjs';
import { comparisonTable, extractSection, figures, markdown, renderDoc, replaceSection, targetResults } from './lib/report.mjs';

const load = (rps, p50, p99, cpu, rssKb, others = 0) => ({
  requests_2xx: Math.round(rps * 8),
  rps,
  latency_ms: { p50, p99 },
  gateway: cpu == null ? null : { cpu_ms_per_req: cpu, peak_rss_kB: rssKb },
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  others_cpu_pct: others,
});
const ttfb = (p50, p99) => ({ ok: 200, requests: 200, ttfb_ms: { p50, p99 } });
const setup = (key, label, cpu, rssMiB, startupMs, ttfbP50) => ({
  key,
  label,
  errors: [],
  load: { 'json-c1': load(1000, 0.5, 1, cpu, rssMiB * 1024), 'json-c16': load(3000, 3, 6, cpu / 2, rssMiB * 1024) },
  ttfb: { 0: ttfb(ttfbP50, ttfbP50 + 1) },
  startup: { startup_ms: startupMs, rss_after_start_kB: 40 * 1024, peak_rss_startup_kB: 50 * 1024 },
});

function results() {
  return {
    meta: {
      date: '2026-11-25 12:00 UTC', cpuModel: 'Test CPU', cores: 2, memGiB: '4.0', os: 'Linux', node: 'v20', sluiceCommit: '`abc`',
      portkeyVersions: { '@portkey-ai/gateway': '1.15.2' }, pin: true, gwCpus: '0', clientCpus: '1', duration: 8, warmup: 2,
      conns: [1, 16], modes: ['json'], ttfbN: 200, ttfbDelays: ['0'], totalS: 100, busyBefore: {}, busyLimit: 15, othersLimit: 10,
    },
    direct: { label: 'direct', errors: [], load: { 'json-c1': load(5000, 0.2, 0.5, null), 'json-c16': load(6000, 2, 4, null) }, ttfb: { 0: ttfb(0.5, 1) } },
    setups: [
      setup('floor', 'floor', 0.2, 60, 150, 0.7),
      setup('sluice-proxy', 'Sluice proxy', 0.3, 100, 180, 0.9),
      setup('sluice-quickstart', 'Sluice quickstart-style', 0.5, 130, 250, 1.5),
      setup('portkey', 'Portkey', 1.5, 200, 700, 30),
    ],
  };
}

test('figures: added latency is gateway minus direct at the same level; CPU range; peak RSS includes start-up', () => {
  const r = results();
  const f = figures(r, r.setups[1]);
  assert.equal(f.p50['json-c1'], 0.5 - 0.2);
  assert.equal(f.p99['json-c16'], 6 - 4);
  assert.equal(f.cpuMin, 0.15);
  assert.equal(f.cpuMax, 0.3);
  assert.equal(f.rssPeak, 100);
  assert.ok(Math.abs(f.ttfbP50['0'] - 0.4) < 1e-9);
});

test('targets: pass and miss per Sluice setup, nothing for floor or Portkey', () => {
  const t = targetResults(results());
  assert.equal(t.length, 8);
  const of = (setup, key) => t.find((x) => x.setup.key === setup && x.target.key === key).pass;
  assert.equal(of('sluice-proxy', 'cpu'), true);
  assert.equal(of('sluice-proxy', 'ttfb'), true);
  assert.equal(of('sluice-proxy', 'rss'), true);
  assert.equal(of('sluice-proxy', 'startup'), true);
  assert.equal(of('sluice-quickstart', 'cpu'), false);
  assert.equal(of('sluice-quickstart', 'ttfb'), false);
  assert.equal(of('sluice-quickstart', 'rss'), false);
  assert.equal(of('sluice-quickstart', 'startup'), false);
});

test('table: ratio columns divide Sluice by Portkey and by the floor', () => {
  const t = comparisonTable(results());
  assert.deepEqual(t.header.slice(-4), ['proxy ÷ Portkey', 'proxy ÷ floor', 'quickstart ÷ Portkey', 'quickstart ÷ floor']);
  const cpu = t.rows.find((r) => r[0] === 'CPU ms / request, json c=1');
  assert.deepEqual(cpu.slice(-4), ['0.20×', '1.50×', '0.33×', '2.50×']);
  assert.match(markdown(t), /^\| metric \| direct \| floor \|/);
});

test('doc: the notes and profile sections survive a rewrite', () => {
  const first = renderDoc(results());
  const edited = replaceSection(replaceSection(first, 'notes', 'my finding'), 'profile', 'top functions');
  const again = renderDoc(results(), { notes: extractSection(edited, 'notes'), profile: extractSection(edited, 'profile') });
  assert.match(again, /<!-- notes:start -->\nmy finding\n<!-- notes:end -->/);
  assert.match(again, /<!-- profile:start -->\ntop functions\n<!-- profile:end -->/);
  assert.match(again, /Sluice quickstart-style: CPU per request/);
});

test('cpuprofile: self time, idle left out, window, kinds', () => {
  const frame = (id, functionName, url, children = []) => ({ id, callFrame: { functionName, url, lineNumber: 9, columnNumber: 0, scriptId: '0' }, hitCount: 0, children });
  const profile = {
    nodes: [frame(1, '(root)', '', [2, 3, 5]), frame(2, 'serve', 'file:///x/runtime/node/server.ts', [4]), frame(3, '(idle)', ''), frame(4, 'writev', ''), frame(5, '(garbage collector)', '')],
    startTime: 0,
    endTime: 5000,
    // samples: serve, writev, idle, gc, serve (each 1 ms apart; the last delta is the time after the last sample)
    samples: [2, 4, 3, 5, 2, 2],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
  };
  const a = analyze(profile);
  assert.equal(a.idleMs, 1);
  assert.equal(a.totalMs, 4);
  assert.equal(a.self.find(([k]) => k.startsWith('writev'))[1], 1);
  assert.equal(a.inclusive.find(([k]) => k.startsWith('serve'))[1], 3);
  const late = analyze(profile, { fromMs: 2.5 });
  assert.equal(late.totalMs, 2);
  assert.equal(kindOf('node:internal/deps/undici/undici').startsWith('fetch API'), true);
  assert.equal(kindOf('(garbage collector)'), 'garbage collector');
  assert.match(render(a, { markdown: true }), /\| `writev` \| 1 \| 25.0 % \|/);
});
