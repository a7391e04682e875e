// Process bookkeeping for the bench: spawns children in their own process groups, bounds them in time, and stops every one it started on exit, error or signal.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** pid -> name of every process group this bench started and has not stopped yet. */
const live = new Map();
/** pidfiles written by startup.mjs for gateways it spawned (detached, so they outlive it). */
const pidfiles = new Set();

export class BenchError extends Error {}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid, sig) {
  // Children are process-group leaders (detached): signal the group, so wrappers like taskset/bash take their child along.
  try {
    process.kill(-pid, sig);
    return;
  } catch {}
  try {
    process.kill(pid, sig);
  } catch {}
}

export function track(pid, name) {
  if (pid) live.set(pid, name);
}

export function watchPidfile(file) {
  pidfiles.add(file);
}

export function unwatchPidfile(file) {
  pidfiles.delete(file);
}

export function readPidfile(file) {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL; only the given pid (and its group). */
export async function stop(pid, graceMs = 5000) {
  if (!pid) return;
  live.delete(pid);
  if (!pidAlive(pid)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return;
    await sleep(50);
  }
  signal(pid, 'SIGKILL');
}

/** Synchronous last resort (process 'exit' handler): SIGKILL whatever is still tracked. */
export function stopAllSync() {
  for (const file of pidfiles) {
    const pid = readPidfile(file);
    if (pid && !live.has(pid) && pidAlive(pid)) live.set(pid, file);
  }
  for (const pid of live.keys()) if (pidAlive(pid)) signal(pid, 'SIGKILL');
  live.clear();
}

export async function stopAll() {
  for (const file of pidfiles) {
    const pid = readPidfile(file);
    if (pid && !live.has(pid)) live.set(pid, file);
  }
  await Promise.all([...live.keys()].map((pid) => stop(pid, 3000)));
}

let cleanupInstalled = false;
/** Stops every tracked child when this process exits, is interrupted, or crashes. */
export function installCleanup(onFatal = () => {}) {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', stopAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping everything it started…\n`);
      stopAll().finally(() => process.exit(130));
    });
  }
  const fatal = (err) => {
    onFatal(err);
    process.stderr.write(`bench: ${err instanceof BenchError ? err.message : err?.stack || err}\n`);
    stopAll().finally(() => process.exit(1));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a long-running child in its own process group, output appended to logFile; tracked until stop(). */
export function spawnTracked(cmd, args, { name, env, logFile, cwd } = {}) {
  const fd = fs.openSync(logFile ?? '/dev/null', 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true, env: env ?? process.env, cwd });
  fs.closeSync(fd);
  track(child.pid, name ?? cmd);
  child.on('exit', () => live.delete(child.pid));
  return child;
}

/**
 * Runs a command to completion within timeoutS (then its whole group is killed), collecting stdout+stderr,
 * echoing it when `echo` and appending it to logFile. Resolves { code, out, timedOut }.
 */
export function runBounded(cmd, args, { timeoutS = 60, env, cwd, logFile, echo = true, prefix = '    ' } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: env ?? process.env, cwd });
    track(child.pid, cmd);
    let out = '';
    let timedOut = false;
    const onData = (buf) => {
      const s = buf.toString('utf8');
      out += s;
      if (logFile) fs.appendFileSync(logFile, s);
      if (echo) process.stdout.write(s.replace(/^(?=.)/gm, prefix));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      signal(child.pid, 'SIGKILL');
    }, timeoutS * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      live.delete(child.pid);
      resolve({ code: 127, out: out + String(err), timedOut });
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      live.delete(child.pid);
      resolve({ code: code ?? (sig ? 128 : 1), out, timedOut });
    });
  });
}

/** A TCP port on 127.0.0.1 that is free right now: `preferred` when it is, else one the kernel picks. */
export async function freePort(preferred = 0, avoid = new Set()) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => {
        const p = srv.address().port;
        srv.close(() => resolve(p));
      });
    });
  if (preferred && !avoid.has(preferred)) {
    const p = await tryPort(preferred);
    if (p) return p;
  }
  for (let i = 0; i < 20; i++) {
    const p = await tryPort(0);
    if (p && !avoid.has(p)) return p;
  }
  throw new BenchError('could not find a free port on 127.0.0.1');
}

/** Polls url (GET) until it answers 2xx or timeoutMs passes. */
export async function waitHttp(url, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return true;
    } catch {}
    await sleep(50);
  }
  return false;
}

/** How busy the whole machine is (0–100 % of all cores) over the next `ms`, from /proc/stat; null when unreadable. */
export async function machineBusyPct(ms = 1000) {
  const read = () => {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3] + (f[4] || 0), total: f.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await sleep(ms);
    const b = read();
    return b.total > a.total ? Math.round(1000 * (1 - (b.idle - a.idle) / (b.total - a.total))) / 10 : null;
  } catch {
    return null;
  }
}

function ticksOf(pid) {
  // utime+stime (+ cutime+cstime: children this process has reaped) in clock ticks, from /proc/PID/stat
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/** CPU ticks of the whole machine, of the given pids, and of this process plus the children it has reaped. */
export function cpuSnapshot(pids) {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const all = f.reduce((a, b) => a + b, 0);
    const busy = all - f[3] - (f[4] || 0);
    const self = ticksOf(process.pid);
    const mine = pids.filter(Boolean).reduce((n, pid) => n + (ticksOf(pid)?.own ?? 0), 0);
    return { t: performance.now(), busy, ours: mine + (self ? self.own + self.children : 0) };
  } catch {
    return null;
  }
}

/**
 * CPU that processes other than ours used between two snapshots, in % of one core (100 = one core fully busy).
 * The pids must be the same in both; children must have been reaped before the second snapshot.
 */
export function othersCpuPct(a, b) {
  if (!a || !b || b.t <= a.t) return null;
  const ticks = b.busy - a.busy - (b.ours - a.ours);
  return Math.max(0, Math.round(((ticks / 100) / ((b.t - a.t) / 1000)) * 1000) / 10);
}
