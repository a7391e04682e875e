/**
 * Runs the real `sluice` command (bin/sluice.mjs) as a child process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'sluice.mjs');

/** Exit status and output of one `sluice` run. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sluice ...args` in `cwd` (default: the project root). */
export function sluice(args: readonly string[], cwd: string = ROOT): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A running `sluice dev`. */
export interface Dev {
  child: ChildProcess;
  banner: string;
  url: string;
  stderr(): string;
}

/**
 * Starts `sluice dev` on `spec` (the quickstart; null: no argument, so `gateway.yaml` in `cwd`)
 * and waits for the whole start-up output, whose last line names the request records.
 */
export async function startDev(cwd: string, spec: string | null = join(ROOT, 'examples', 'quickstart.yaml'), env: NodeJS.ProcessEnv = process.env): Promise<Dev> {
  const proc = spawn(process.execPath, [BIN, 'dev', ...(spec === null ? [] : [spec]), '--port', '0'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && /request records: .*\n/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => reject(new Error(`sluice dev exited with ${code}: ${out}`)));
  });
  return { child: proc, banner: out, url: address, stderr: () => err };
}

/** SIGTERM, resolving to the exit code. */
export function stopDev(dev: Dev): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => dev.child.once('exit', (code) => resolve(code)));
  dev.child.kill('SIGTERM');
  return exited;
}
