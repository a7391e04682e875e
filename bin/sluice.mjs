#!/usr/bin/env node
// The `sluice` command: loads the TypeScript CLI through tsx (no build step) and exits
// with the command's status. Any unexpected failure prints one line, never a stack.
import { register } from 'tsx/esm/api';

register();
try {
  const { main } = await import('../compiler/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`sluice: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
