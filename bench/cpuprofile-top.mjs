// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, self time by file/package, and inclusive time of the project's own functions.
//
//   node bench/cpuprofile-top.mjs FILE.cpuprofile [--top 25] [--from-ms 1500] [--to-ms N] [--markdown]
//
// --from-ms/--to-ms keep only the samples in that window after the profile began (e.g. leave out a server's
// start-up to see its request path, or keep only the start-up).
// Self time of a function = the sampled time whose innermost frame is that function (summed over every call
// site); shares are of the non-idle time. Inclusive time counts a sample once for every distinct function on its stack.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * esbuild bundles (bin/sluice.mjs runs the CLI from one, cached in node_modules/.cache/sluice/) keep a
 * `// path/of/module.ts` comment line before each bundled module: per bundle file, the sorted [line, path] marks.
 */
const bundleMarks = new Map();
function marksOf(file) {
  if (!bundleMarks.has(file)) {
    let marks = null;
    if (/\/node_modules\/\.cache\//.test(file)) {
      try {
        marks = [];
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        for (let i = 0; i < lines.length; i++) {
          const m = /^\/\/ ((?:[\w@.-]+\/)*[\w@.-]+\.(?:[cm]?[jt]sx?|json))$/.exec(lines[i]);
          if (m) marks.push([i, m[1]]);
        }
        if (!marks.length) marks = null;
      } catch {
        marks = null;
      }
    }
    bundleMarks.set(file, marks);
  }
  return bundleMarks.get(file);
}

/** The source path a bundle line came from (the nearest `// path` mark above it), or null. */
function bundleSource(file, line) {
  const marks = marksOf(file);
  if (!marks) return null;
  let lo = 0;
  let hi = marks.length - 1;
  let found = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid][0] <= line) {
      found = marks[mid][1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * A short, readable location for a frame's url: repo-relative, `pkg:<name>` for dependencies, `node:` internals as
 * they are; a frame in an esbuild bundle is named after the bundled module it belongs to (when `line` is given).
 */
export function shortUrl(url, line) {
  if (!url) return '';
  let p = url.startsWith('file://') ? fileURLToPath(url.split('?')[0]) : url;
  if (line !== undefined && marksOf(p)) {
    const src = bundleSource(p, line);
    if (!src) return 'bundle:esbuild-runtime'; // the bundle's own module glue, above the first module
    p = path.join(ROOT, src);
  }
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + '/node_modules/'.length).split('/');
    return `pkg:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (p.startsWith(ROOT + '/')) p = p.slice(ROOT.length + 1);
  return p;
}

/** Rough kinds of work, by where the innermost frame lives; the first matching pattern wins. */
export const KINDS = [
  ['Sluice code (runtime/, compiler/, bin/)', /^(runtime|compiler|bin|bench)\//],
  ['fetch API objects: undici Request/Response/Headers, web streams, AbortController/EventTarget, TextEncoder', /^node:internal\/(deps\/undici|webstreams|abort_controller|event_target|worker\/js_transferable|encoding|blob)/],
  ['node:http server/client, sockets, node streams', /^(node:_http_|node:net|node:internal\/(streams|stream_base_commons|http|net|js_stream_socket)|writev$|writeBuffer$|writeUtf8String$|node:internal\/timers)/],
  ['garbage collector', /^\(garbage collector\)$/],
  ['promise/microtask plumbing, (program)', /^(runMicrotasks|\(program\)|node:internal\/process\/task_queues)$/],
  ['module loading (tsx hooks, ESM/CJS loader, esbuild, bundle glue)', /^(pkg:tsx|pkg:esbuild|bundle:|node:internal\/modules|node:internal\/bootstrap)/],
  ['dependencies (node_modules)', /^pkg:/],
  ['node:events', /^node:events$/],
];

export function kindOf(file) {
  for (const [kind, re] of KINDS) if (re.test(file)) return kind;
  return file.startsWith('node:') ? 'other node internals' : 'other native (JSON, V8 builtins…)';
}

/** Parses a profile into per-function self/inclusive times (ms) and per-file/per-kind self times, over the samples from `fromMs` to `toMs` after the profile began. */
export function analyze(profile, { fromMs = 0, toMs = Infinity } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => {
    const f = n.callFrame;
    const name = f.functionName || '(anonymous)';
    const loc = shortUrl(f.url, f.lineNumber);
    if (!loc) return name;
    // lines of a bundled module are the bundle's; tsx-compiled sources arrive as one line, where the column tells
    // functions of the same name apart
    if (marksOf(f.url.startsWith('file://') ? fileURLToPath(f.url) : f.url)) return `${name}  ${loc} (bundle line ${f.lineNumber + 1})`;
    return `${name}  ${loc}:${f.lineNumber + 1}${f.lineNumber === 0 ? `:${f.columnNumber + 1}` : ''}`;
  };
  const self = new Map();
  const incl = new Map();
  const byFile = new Map();
  const byKind = new Map();
  let total = 0;
  let idle = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = 0;
  let skipped = 0;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the gap to the next sample, as DevTools does.
    at += (deltas[i] ?? 0) / 1000;
    const dt = (deltas[i + 1] ?? 0) / 1000;
    if (dt <= 0) continue;
    if (at < fromMs || at >= toMs) {
      skipped += dt;
      continue;
    }
    const node = nodes.get(samples[i]);
    if (!node) continue;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const k = keyOf(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const file = shortUrl(node.callFrame.url, node.callFrame.lineNumber) || name || '(native)';
    byFile.set(file, (byFile.get(file) ?? 0) + dt);
    const kind = kindOf(file);
    byKind.set(kind, (byKind.get(kind) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const n = nodes.get(id);
      const kk = keyOf(n);
      if (seen.has(kk) || n.callFrame.functionName === '(root)') continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + dt);
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, idleMs: idle, skippedMs: skipped, fromMs, toMs, self: sorted(self), inclusive: sorted(incl), byFile: sorted(byFile), byKind: sorted(byKind) };
}

export function render(a, { top = 25, markdown = false, files = 15, own = 15 } = {}) {
  const pct = (ms) => ((ms / a.totalMs) * 100).toFixed(1);
  const out = [];
  const table = (title, rows, cols) => {
    out.push(markdown ? `**${title}**` : title, '');
    if (markdown) out.push(`| ${cols.join(' | ')} |`, `|${cols.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const [k, ms] of rows) out.push(markdown ? `| \`${k.replaceAll('|', '\\|')}\` | ${ms.toFixed(0)} | ${pct(ms)} % |` : `${pct(ms).padStart(6)} %  ${ms.toFixed(0).padStart(7)} ms  ${k}`);
    out.push('');
  };
  const win = a.fromMs > 0 || a.toMs < Infinity ? `; window ${(a.fromMs / 1000).toFixed(1)}–${a.toMs < Infinity ? (a.toMs / 1000).toFixed(1) : 'end'} s, ${a.skippedMs.toFixed(0)} ms sampled outside it` : '';
  out.push(`busy ${a.totalMs.toFixed(0)} ms sampled (idle ${a.idleMs.toFixed(0)} ms left out${win}); shares are of busy time`, '');
  table('Self time by kind of work', a.byKind, ['kind', 'self ms', 'share']);
  table(`Top ${top} functions by self time`, a.self.slice(0, top), ['function  location', 'self ms', 'share']);
  if (files > 0) table('Self time by file / package', a.byFile.slice(0, files), ['file or package', 'self ms', 'share']);
  const mine = a.inclusive.filter(([k]) => /\s(runtime|compiler|bin|bench)\//.test(k)).slice(0, own);
  if (own > 0) table(`Inclusive time of Sluice's own functions (top ${own}; async functions count their synchronous stretches only)`, mine, ['function  location', 'incl. ms', 'share']);
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && !['--top', '--from-ms', '--to-ms'].includes(args[i - 1]));
  if (!file) {
    console.error('usage: node bench/cpuprofile-top.mjs FILE.cpuprofile [--top 25] [--from-ms N] [--to-ms N] [--markdown]');
    process.exit(2);
  }
  const val = (name, dflt) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : dflt);
  const a = analyze(JSON.parse(fs.readFileSync(file, 'utf8')), { fromMs: val('from-ms', 0), toMs: val('to-ms', Infinity) });
  process.stdout.write(render(a, { top: val('top', 25), markdown: args.includes('--markdown') }) + '\n');
}
