// Turns one bench run's results into the comparison table (with Sluice/Portkey and Sluice/floor ratios), the target pass/fail list, and docs/benchmarks.md.

/** Issue targets for Sluice; `value` reads one setup's figure (lower is better). */
export const TARGETS = [
  { key: 'cpu', label: 'CPU per request', limit: 0.4, unit: 'ms', rule: '≤ 0.4 ms in every load row' },
  { key: 'ttfb', label: 'Streaming TTFB added', limit: 0.5, unit: 'ms', rule: '≤ +0.5 ms (p50, vs direct)' },
  { key: 'rss', label: 'Peak RSS', limit: 120, unit: 'MiB', rule: '≤ 120 MiB (start-up and every load window)' },
  { key: 'startup', label: 'Start-up', limit: 200, unit: 'ms', rule: '≤ 200 ms (spawn → first successful completion)' },
];

/** The reference figures the issue quotes (measured on this machine kind on 2026-11-22), for context in the doc. */
const ISSUE_REFERENCE = 'floor 0.16–0.22 ms CPU per request and +0.2 ms TTFB; Portkey 1.2–1.6 ms CPU per request, +28 ms TTFB, 180–245 MiB';

const SLUICE = ['sluice-proxy', 'sluice-quickstart', 'sluice-limits', 'sluice-cache'];
const SHORT = { 'sluice-proxy': 'proxy', 'sluice-quickstart': 'quickstart', 'sluice-limits': '+limits', 'sluice-cache': '+cache' };

const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
const fix = (x, d) => (isNum(x) ? x.toFixed(d) : '–');
const signed = (x, d) => (isNum(x) ? (x >= 0 ? '+' : '') + x.toFixed(d) : '–');
const mib = (kb) => (isNum(kb) ? kb / 1024 : null);
const maxOf = (xs) => (xs.filter(isNum).length ? Math.max(...xs.filter(isNum)) : null);
const minOf = (xs) => (xs.filter(isNum).length ? Math.min(...xs.filter(isNum)) : null);

export function levelKeys(meta) {
  const keys = [];
  for (const mode of meta.modes) for (const c of meta.conns) keys.push({ key: `${mode}-c${c}`, mode, c });
  return keys;
}

/** Per-setup derived figures used by rows and targets. */
export function figures(results, setup) {
  const { meta, direct } = results;
  const f = { cpu: {}, rps: {}, p50: {}, p99: {}, ttfbP50: {}, ttfbP99: {} };
  for (const { key } of levelKeys(meta)) {
    const g = setup.load?.[key];
    const d = direct.load?.[key];
    const ok = g && g.requests_2xx > 0;
    f.cpu[key] = ok ? g.gateway?.cpu_ms_per_req ?? null : null;
    f.rps[key] = ok ? g.rps : null;
    f.p50[key] = ok && d?.requests_2xx ? g.latency_ms.p50 - d.latency_ms.p50 : null;
    f.p99[key] = ok && d?.requests_2xx ? g.latency_ms.p99 - d.latency_ms.p99 : null;
  }
  for (const delay of meta.ttfbDelays) {
    const g = setup.ttfb?.[delay];
    const d = direct.ttfb?.[delay];
    f.ttfbP50[delay] = g?.ok && d?.ok ? g.ttfb_ms.p50 - d.ttfb_ms.p50 : null;
    f.ttfbP99[delay] = g?.ok && d?.ok ? g.ttfb_ms.p99 - d.ttfb_ms.p99 : null;
  }
  const windows = Object.values(setup.load ?? {}).map((r) => r?.gateway?.peak_rss_kB);
  f.rssLoad = mib(maxOf(windows));
  f.rssStart = mib(setup.startup?.rss_after_start_kB);
  f.rssPeak = mib(maxOf([...windows, setup.startup?.peak_rss_startup_kB]));
  f.startup = setup.startup?.startup_ms ?? null;
  const cpus = Object.values(f.cpu);
  f.cpuMin = minOf(cpus);
  f.cpuMax = maxOf(cpus);
  return f;
}

function targetValue(key, f, meta) {
  switch (key) {
    case 'cpu':
      return f.cpuMax;
    case 'ttfb':
      return f.ttfbP50[meta.ttfbDelays[0]] ?? null;
    case 'rss':
      return f.rssPeak;
    case 'startup':
      return f.startup;
  }
  return null;
}

/** [{ setup, target, value, pass }] for the Sluice setups that ran. */
export function targetResults(results) {
  const out = [];
  for (const setup of results.setups.filter((s) => SLUICE.includes(s.key))) {
    const f = figures(results, setup);
    for (const t of TARGETS) {
      const value = targetValue(t.key, f, results.meta);
      const shown =
        t.key === 'cpu' && isNum(f.cpuMin) ? `${fix(f.cpuMin, 3)}–${fix(f.cpuMax, 3)} ms` : t.key === 'ttfb' ? `${signed(value, 3)} ms` : `${fix(value, t.key === 'rss' ? 1 : 0)} ${t.unit}`;
      out.push({ setup, target: t, value, shown: isNum(value) ? shown : 'not measured', pass: isNum(value) ? value <= t.limit : null });
    }
  }
  return out;
}

const ratio = (a, b) => (isNum(a) && isNum(b) && a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : '–');

/** The comparison table: one row per metric, one column per setup, then the ratio columns. */
export function comparisonTable(results) {
  const { meta, direct, setups } = results;
  const by = Object.fromEntries(setups.map((s) => [s.key, s]));
  const fig = Object.fromEntries(setups.map((s) => [s.key, figures(results, s)]));
  const ratioCols = [];
  for (const sk of SLUICE.filter((k) => by[k])) {
    const short = SHORT[sk];
    if (by.portkey) ratioCols.push({ label: `${short} ÷ Portkey`, a: sk, b: 'portkey' });
    if (by.floor) ratioCols.push({ label: `${short} ÷ floor`, a: sk, b: 'floor' });
  }
  const header = ['metric', 'direct', ...setups.map((s) => s.label), ...ratioCols.map((r) => r.label)];
  const rows = [];
  const add = (metric, directCell, pick, fmt) => {
    const vals = Object.fromEntries(setups.map((s) => [s.key, pick(fig[s.key], s)]));
    rows.push([metric, directCell, ...setups.map((s) => (s.failed && !isNum(vals[s.key]) ? 'failed' : fmt(vals[s.key]))), ...ratioCols.map((r) => ratio(vals[r.a], vals[r.b]))]);
  };
  const lv = levelKeys(meta);
  const modeName = (m) => (m === 'json' ? 'json' : 'stream');
  for (const { key, mode, c } of lv) add(`CPU ms / request, ${modeName(mode)} c=${c}`, '', (f) => f.cpu[key], (x) => fix(x, 3));
  for (const { key, mode, c } of lv) add(`req/s, ${modeName(mode)} c=${c}`, fix(direct.load?.[key]?.rps, 0), (f) => f.rps[key], (x) => fix(x, 0));
  for (const { key, mode, c } of lv) {
    const d = direct.load?.[key]?.latency_ms;
    add(`added latency p50 ms, ${modeName(mode)} c=${c}`, d ? `(${fix(d.p50, 3)})` : '–', (f) => f.p50[key], (x) => signed(x, 3));
    add(`added latency p99 ms, ${modeName(mode)} c=${c}`, d ? `(${fix(d.p99, 3)})` : '–', (f) => f.p99[key], (x) => signed(x, 3));
  }
  for (const delay of meta.ttfbDelays) {
    const d = direct.ttfb?.[delay]?.ttfb_ms;
    const tag = meta.ttfbDelays.length > 1 ? `, chunk delay ${delay} ms` : '';
    add(`stream TTFB added p50 ms${tag}`, d ? `(${fix(d.p50, 3)})` : '–', (f) => f.ttfbP50[delay], (x) => signed(x, 3));
    add(`stream TTFB added p99 ms${tag}`, d ? `(${fix(d.p99, 3)})` : '–', (f) => f.ttfbP99[delay], (x) => signed(x, 3));
  }
  add('peak RSS MiB, load windows', '', (f) => f.rssLoad, (x) => fix(x, 1));
  add('peak RSS MiB, incl. start-up', '', (f) => f.rssPeak, (x) => fix(x, 1));
  add('RSS MiB after start-up', '', (f) => f.rssStart, (x) => fix(x, 1));
  add('start-up ms (spawn → 1st completion)', '', (f) => f.startup, (x) => fix(x, 0));
  return { header, rows };
}

export function markdown({ header, rows }) {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** One line per setup in the issue's own terms: CPU per request range, TTFB added, peak RSS, start-up. */
export function glance(results) {
  return results.setups.map((s) => {
    const f = figures(results, s);
    const d0 = results.meta.ttfbDelays[0];
    const cpu = isNum(f.cpuMin) ? `${fix(f.cpuMin, 2)}–${fix(f.cpuMax, 2)} ms CPU per request` : 'CPU per request not measured';
    return `- **${s.label}**: ${cpu}, ${signed(f.ttfbP50[d0], 1)} ms TTFB, ${fix(f.rssPeak, 0)} MiB peak RSS, ${fix(f.startup, 0)} ms start-up${s.failed ? ' (**failed in part**, see problems)' : ''}`;
  });
}

function targetsMarkdown(results) {
  const tr = targetResults(results);
  if (!tr.length) return '_No Sluice setup ran._';
  const lines = ['| target | setup | measured | result |', '|---|---|---:|---|'];
  for (const t of tr) lines.push(`| ${t.target.label} ${t.target.rule} | ${t.setup.label} | ${t.shown} | ${t.pass === null ? '–' : t.pass ? '✅ pass' : '❌ miss'} |`);
  return lines.join('\n');
}

/** Lines saying where other processes competed for the CPUs (before a setup, or during its load windows). */
function busyNotes(results) {
  const { meta } = results;
  const lines = [];
  const entries = Object.entries(meta.busyBefore ?? {}).filter(([, v]) => isNum(v));
  if (entries.some(([, v]) => v > (meta.busyLimit ?? 15))) {
    lines.push(`- machine: other processes kept it busy before setups started (${entries.map(([k, v]) => `${v} % before ${k}`).join(', ')}; 100 % = all cores)`);
  }
  for (const s of [{ label: 'direct', ...results.direct }, ...results.setups]) {
    const runs = [...Object.entries(s.load ?? {}), ...Object.entries(s.ttfb ?? {}).map(([d, r]) => [`TTFB d${d}`, r])];
    const worst = runs.filter(([, r]) => isNum(r?.others_cpu_pct) && r.others_cpu_pct > (meta.othersLimit ?? 10));
    if (worst.length) lines.push(`- ${s.label}: other processes used ${worst.map(([k, r]) => `${r.others_cpu_pct} % of a core during ${k}`).join(', ')}; those rows are inflated by contention`);
  }
  if (lines.length) lines.push('- rerun on a quiet machine before trusting the affected figures');
  return lines;
}

function problemsMarkdown(results) {
  const lines = [...busyNotes(results)];
  for (const s of [{ label: 'direct', errors: results.direct.errors ?? [] }, ...results.setups]) for (const e of s.errors ?? []) lines.push(`- ${s.label}: ${e}`);
  return lines.length ? lines.join('\n') : '';
}

export function consoleReport(results) {
  const parts = [markdown(comparisonTable(results)), '', targetsMarkdown(results)];
  const problems = problemsMarkdown(results);
  if (problems) parts.push('', 'Problems:', problems);
  return parts.join('\n');
}

/**
 * Blocks of docs/benchmarks.md that the run does not regenerate: `profile` (written by bench/profile.mjs) and
 * `notes` (hand-written findings). run.mjs carries both over when it rewrites the doc.
 */
const marks = (name) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];

export function extractSection(doc, name) {
  const [start, end] = marks(name);
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  return a >= 0 && b > a ? doc.slice(a, b + end.length) : null;
}

/** Wraps content in the section's markers. */
export function section(name, content) {
  const [start, end] = marks(name);
  return `${start}\n${content.trim()}\n${end}`;
}

export function replaceSection(doc, name, content) {
  const [start, end] = marks(name);
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  const block = section(name, content);
  if (a >= 0 && b > a) return doc.slice(0, a) + block + doc.slice(b + end.length);
  return doc.trimEnd() + '\n\n' + block + '\n';
}

export function renderDoc(results, kept = {}) {
  const { meta } = results;
  const m = meta;
  const labels = Object.fromEntries(results.setups.map((s) => [s.key, s.label]));
  const pinning = m.pin
    ? `the gateway under test on CPU ${m.gwCpus}, the mock upstream and the load generator on CPU ${m.clientCpus} (\`taskset\`, as the shared harness's \`run-all.sh\` does)`
    : 'none (taskset unavailable or BENCH_PIN=0): everything shares every core';
  const missed = targetResults(results).filter((t) => t.pass === false);
  const out = [];
  const p = (s = '') => out.push(s);
  p('<!-- Gateway overhead benchmark results: written by `npm run bench` (bench/run.mjs); the profile section by bench/profile.mjs. -->');
  p('# Benchmarks');
  p();
  p('What Sluice adds on top of its upstream, next to the Portkey gateway and a bare Node pipe proxy (the floor), all');
  p('measured in one run over the same mock upstream on loopback. Regenerate with `npm run bench` (about 4–5 minutes);');
  p('the raw JSON of every measurement stays in `.sluice/bench/results/` (git-ignored).');
  p();
  p('## Machine and run');
  p();
  p(`- Date: ${m.date}`);
  p(`- CPU: ${m.cpuModel}, ${m.cores} cores; ${m.memGiB} GiB RAM; ${m.os}`);
  p(`- Node ${m.node}; Sluice at ${m.sluiceCommit}; Portkey ${m.portkeyVersions ? Object.entries(m.portkeyVersions).map(([k, v]) => `\`${k}@${v}\``).join(', ') : '(not run)'}`);
  p(`- Pinning: ${pinning}`);
  p(`- Load: ${m.duration} s measured per level after ${m.warmup} s warm-up, ${m.conns.map((c) => `c=${c}`).join(' and ')}, ${m.modes.join(' and ')}; TTFB: ${m.ttfbN} sequential streams (chunk delay ${m.ttfbDelays.join(', ')} ms); whole run ${m.totalS} s`);
  p();
  p('## Method');
  p();
  p('`npm run bench` starts the shared harness\'s mock OpenAI upstream (`../shared/bench/mock-upstream.mjs`) once, measures it');
  p('directly (the baseline), then starts each gateway in turn in front of that same mock and measures it with the');
  p('harness\'s own scripts: `startup.mjs` (spawn → first successful chat completion), a correctness check of a JSON');
  p('and a streamed answer through the gateway (`ttfb.mjs --n 3`), `load.mjs` (autocannon at fixed concurrency;');
  p('exact latency percentiles from every 2xx response; the gateway\'s CPU from `/proc/PID/stat` and its peak RSS from');
  p('`VmHWM`, reset before each window) and `ttfb.mjs` (sequential streams on one keep-alive connection).');
  p('Each gateway is stopped before the next one starts.');
  p();
  p('The setups:');
  p();
  p(`- **${labels.floor ?? 'floor'}**: \`bench/floor-proxy.mjs\`, a bare \`node:http\` server that pipes each request to the mock over a keep-alive agent and pipes the answer back. No parsing, routing or auth: the least any Node gateway must cost.`);
  p(`- **${labels['sluice-proxy'] ?? 'Sluice proxy'}**: \`sluice dev bench/specs/proxy.yaml\`: one \`openai-compatible\` provider pointing at the mock, a route matching \`gpt-4o-mini*\` with target model \`*\` (the client's model forwarded unchanged), no retries, \`auth: none\`.`);
  p(`- **${labels['sluice-quickstart'] ?? 'Sluice quickstart-style'}**: \`sluice dev bench/specs/quickstart.yaml\`: the quickstart's shape (in-process \`mock\` provider, a fallback route, \`auth: keys\` with the demo key) **without** the quickstart's 50 ms latency, scripted 503s, cache and limits, so the figure is the gateway's own work and not the demo's staged delays. It never calls the mock upstream: its "added latency" is what a client sees through this gateway minus a direct call to the shared mock, and its CPU includes producing the reply in-process.`);
  p(`- **${labels['sluice-limits'] ?? 'Sluice proxy + limits'}**: \`sluice dev bench/specs/proxy-limits.yaml\`: the proxy with a requests limit per IP and a tokens limit (reserved before the call, settled after it) that never refuse, so every request pays the state round. The store is \`sluice dev\`'s embedded DynamoDB-compatible server (dynalite on LevelDB), which runs in the gateway's process: its CPU is in the gateway's column, which a deployed gateway (DynamoDB over the network) does not pay.`);
  p(`- **${labels['sluice-cache'] ?? 'Sluice proxy + cache'}**: \`sluice dev bench/specs/proxy-cache.yaml\`: the proxy with a shared cache; the harness repeats one request, so after the first one every answer (JSON and streamed) is a cache hit served from the embedded store, and the upstream is not called.`);
  p(`- **${labels.portkey ?? 'Portkey'}**: \`@portkey-ai/gateway\` ${m.portkeyVersions?.['@portkey-ai/gateway'] ?? '1.15.2'} installed into \`.sluice/bench/portkey/\` with \`@hono/node-server\`, \`@hono/node-ws\` and \`hono\` pinned as \`../shared/bench/README.md\` explains (with the floating versions every streamed request fails), bound to 127.0.0.1 with the harness's \`loopback-listen.cjs\` and routed by its \`x-portkey-provider: openai\` / \`x-portkey-custom-host\` headers.`);
  p();
  p('Columns: **direct** is the client talking to the mock itself (for latency rows its absolute value in parentheses);');
  p('each gateway column is that gateway; the ratio columns divide a Sluice figure by Portkey\'s or the floor\'s (below 1');
  p('is better than that setup, except for req/s). **CPU ms / request** = the gateway process\'s user+system CPU over the');
  p('measured window ÷ 2xx responses in it. **req/s** is bounded by the client core on this machine (see caveats).');
  p('**Added latency** = the gateway\'s latency percentile minus direct\'s at the same concurrency (for streams, the');
  p('whole stream of 20 chunks). **Stream TTFB added** = time to the first body byte through the gateway minus direct,');
  p('over sequential streams. **Peak RSS** is `VmHWM`: the max over the load windows, and that or the start-up peak.');
  p('**Start-up** = spawn (through `taskset`) → first successful completion, polled every 5 ms; for Sluice after one `sluice validate`');
  p('and one short `sluice dev` session on the proxy spec, so its CLI bundle and V8 code cache exist, as at a user\'s second start.');
  p();
  p('## At a glance');
  p();
  for (const line of glance(results)) p(line);
  p();
  p(`For reference, the issue\'s measurement on 2026-11-22: ${ISSUE_REFERENCE}.`);
  p();
  p('## Results');
  p();
  p(markdown(comparisonTable(results)));
  p();
  p('## Targets');
  p();
  p(targetsMarkdown(results));
  p();
  const all = targetResults(results);
  if (missed.length) {
    p(`**Sluice misses ${missed.length} of its ${all.length} target checks in this run:**`);
    p();
    for (const t of missed) p(`- ${t.setup.label}: ${t.target.label} ${t.shown}, target ${t.target.rule}`);
    p();
    p('The findings and the profile below say where the cost is.');
  } else if (all.length) {
    p('Sluice meets every target in this run.');
  }
  const problems = problemsMarkdown(results);
  if (problems) {
    p();
    p('### Problems in this run');
    p();
    p(problems);
  }
  p();
  p('## Findings');
  p();
  p(kept.notes ?? section('notes', '_Hand-written findings go here; `npm run bench` keeps this block when it rewrites the doc._'));
  p();
  p('## Caveats');
  p();
  p(`- ${m.cores} cores are shared by the load generator, the mock and the gateway. With pinning the gateway has a whole core`);
  p('  and the mock shares the other with autocannon, in every setup alike, so req/s at c=16 is mostly the client core\'s');
  p('  ceiling (compare with direct) and CPU ms / request is the most portable figure.');
  p('- Latency comes from autocannon (request written → last byte); sub-millisecond differences at c=1 are near the noise');
  p('  of a shared VM, and the p99 rows more so. Run twice before reading much into a 0.1 ms change.');
  p('- Start-up includes `taskset`, Node\'s own start and, for Sluice, `bin/sluice.mjs` checking its cached CLI bundle');
  p('  (built beforehand by one `sluice validate`, so no build is timed) and compiling the spec; warm page cache.');
  p('- The quickstart-style row measures a different path (in-process mock provider, key check) from the three proxy rows;');
  p('  it is there to show what the default shape costs, not as a like-for-like proxy figure.');
  p('- Direct is measured once, before the gateways; the gateways run one after another, so slow drift of the machine');
  p('  shows up as differences between them.');
  p('- Other processes on the machine (a test suite, a build) inflate everything. The bench waits for quiet before the');
  p('  baseline and each gateway, measures the CPU other processes used during every load level and TTFB run, repeats a');
  p('  contended one once when the machine has gone quiet (keeping the less contended result), lists what stayed');
  p('  contended under "Problems", and writes this file by itself only from a clean run (`BENCH_DOC=1` forces it).');
  p();
  p('## Profile');
  p();
  p(kept.profile ?? section('profile', '_No profile yet: run `node bench/profile.mjs` (about 30 s) to profile `sluice dev` under load and write its top self-time functions here._'));
  p();
  return out.join('\n');
}
