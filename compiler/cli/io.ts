/**
 * What a CLI command may touch: its output streams, its working directory and clock.
 * Commands take it as an argument so tests can run them in-process.
 * @module
 */

/** A writable text sink (process.stdout or a test buffer). */
export interface Sink {
  write(text: string): unknown;
}

/** The environment of one CLI run. */
export interface CliIo {
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly cwd: string;
  /** Epoch ms, for expiry checks. */
  readonly now: number;
  /** Whether stdout is a terminal (enables color). */
  readonly isTty: boolean;
}

/** Exit statuses shared by every command. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A mistake in how the command was called: reported in one line, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The real process environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), now: Date.now(), isTty: process.stdout.isTTY === true };
}
