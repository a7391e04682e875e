#!/usr/bin/env node
// The `sluice` command. It runs the TypeScript CLI from a bundle that esbuild builds on first
// use and caches under node_modules/.cache/sluice/ (keyed by the sources' sizes and times),
// so a start costs plain Node, not a TypeScript loader. If bundling fails it falls back to
// loading the sources through tsx. Any unexpected failure prints one line, never a stack.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'sluice');
/** What the bundle is built from: a change to any of these makes a new bundle. */
const INPUTS = ['compiler', 'runtime', 'schema', 'package-lock.json', 'bin/sluice.mjs'];
/** Loaded at run time from node_modules (large, or only used by some commands). */
const EXTERNAL = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag', 'esbuild', 'tsx', 'tsx/*', '@aws-sdk/*'];

/**
 * A hash of every input file's path, size and mtime. Run on every start, so it is kept cheap:
 * relative paths are built by concatenation (path.relative per file cost more than the stats)
 * and directory entries come typed, so only files are stat'ed.
 */
function fingerprint() {
  const hash = createHash('sha256');
  const visit = (rel, entryIsDir) => {
    const full = `${root}/${rel}`;
    if (entryIsDir) {
      const entries = readdirSync(full, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) visit(`${rel}/${e.name}`, e.isDirectory());
      return;
    }
    const st = statSync(full, { throwIfNoEntry: false });
    if (st) hash.update(`${rel}:${st.size}:${st.mtimeMs}\n`);
  };
  for (const input of INPUTS) {
    const st = statSync(join(root, input), { throwIfNoEntry: false });
    if (st) visit(input, st.isDirectory());
  }
  return hash.digest('hex').slice(0, 16);
}

async function bundledCli() {
  const file = join(cacheDir, `cli-${fingerprint()}.mjs`);
  if (existsSync(file)) return file;
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'compiler', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    external: EXTERNAL,
    // infra/ (the CDK) is loaded from source only by `synth`, through tsx.
    plugins: [{ name: 'infra-external', setup: (b) => b.onResolve({ filter: /\/infra\// }, (a) => ({ path: a.path, external: true })) }],
    banner: { js: "import { createRequire as __sluiceRequire } from 'node:module';const require = __sluiceRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  mkdirSync(cacheDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, result.outputFiles[0].contents);
  renameSync(temp, file);
  return file;
}

async function loadCli() {
  process.env.SLUICE_ROOT = root;
  try {
    return await import(pathToFileURL(await bundledCli()).href);
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    return import('../compiler/cli/main.ts');
  }
}

try {
  const { main } = await loadCli();
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`sluice: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
