#!/usr/bin/env node
// The `sluice` command. It runs the TypeScript CLI from a bundle that esbuild builds on first
// use and caches under node_modules/.cache/sluice/ (keyed by the sources' sizes and times),
// so a start costs plain Node, not a TypeScript loader. If bundling fails it falls back to
// loading the sources through tsx. Any unexpected failure prints one line, never a stack.
//
// The bundle is a CommonJS function compiled with node:vm, so V8's code cache can be used:
// each command's first run that finds no usable cache leaves one at exit (the bytecode of
// every function it ran), and later runs of that command skip parsing and compiling those
// functions. On Node 20 ES modules cannot use a code cache; this roughly halves the time from
// loading the bundle to `sluice dev`'s first answer.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

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

/**
 * Dependencies and the generated schema validator go into the bundle with their syntax
 * minified (names kept; esbuild lays the bundle out again anyway): ~7 % less to read and
 * compile at every start. Sluice's own code stays as written, for profiles (bench/cpuprofile-top.mjs).
 */
const compactDeps = (transform) => ({
  name: 'compact-deps',
  setup: (b) =>
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$|[\\/]gateway-validator\.js$/ }, async (a) => ({
      contents: (await transform(readFileSync(a.path, 'utf8'), { loader: 'js', minifyWhitespace: true, minifySyntax: true })).code,
      loader: 'js',
    })),
});

async function bundledCli() {
  const file = join(cacheDir, `cli-${fingerprint()}.cjs`);
  if (existsSync(file)) return file;
  const { build, transform } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'compiler', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // ASCII only (non-ASCII escaped), so runBundle can read it as Latin-1, ~3x faster than UTF-8.
    charset: 'ascii',
    write: false,
    external: EXTERNAL,
    plugins: [
      // infra/ (the CDK) is loaded from source only by `synth`, through tsx.
      { name: 'infra-external', setup: (b) => b.onResolve({ filter: /\/infra\// }, (a) => ({ path: a.path, external: true })) },
      compactDeps(transform),
    ],
    define: { 'import.meta.url': '__sluiceMetaUrl' },
    banner: { js: "const __sluiceMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'silent',
  });
  mkdirSync(cacheDir, { recursive: true });
  writeAtomically(file, hostImports(result.outputFiles[0].text));
  // Bundles and code caches of earlier sources are never used again.
  const current = file.slice(cacheDir.length + 1, -'.cjs'.length);
  for (const name of readdirSync(cacheDir)) {
    if (name.startsWith('cli-') && !name.startsWith(current)) rmSync(join(cacheDir, name), { force: true });
  }
  return file;
}

/**
 * The bundle's `import()` calls (the AWS SDK, tsx, the CDK app: everything left external) made
 * through `__sluiceImport`, a function of this module. Code that node:vm compiled from a code
 * cache cannot call `import()` itself on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING: the
 * cache drops the script's loader options). esbuild writes each call as `import(` followed by
 * the specifier expression; any other use of the word is refused, and the CLI then runs from source.
 */
function hostImports(code) {
  const out = code.replace(/(?<![.$\w])import\((?=["'(])/g, '__sluiceImport(');
  if (/(?<![.$\w])import\s*\(/.test(out)) throw new Error('the bundle has an import() it cannot route');
  if (/[^\x00-\x7f]/.test(out)) throw new Error('the bundle is not ASCII');
  return out;
}

/** `import()` for the bundle: relative specifiers are the bundle's, bare ones resolve as from any file here. */
function importFor(file) {
  const base = pathToFileURL(file).href;
  return (specifier) => import(specifier.startsWith('.') ? new URL(specifier, base).href : specifier);
}

/** Writes `data` to `file` through a temporary file, so a concurrent reader sees all or nothing. */
function writeAtomically(file, data) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

/** The commands that get a code cache of their own (compiler/cli/main.ts has the list); anything else shares `other`. */
const COMMANDS = new Set(['validate', 'plan', 'synth', 'diff', 'dev', 'stats', 'cache', 'keygen']);

/** CommonJS's module wrapper, and the bundle's `import()`, as node:vm compiles the bundle. */
const WRAP = ['(function (exports, require, module, __filename, __dirname, __sluiceImport) {', '\n})'];

/**
 * Runs the bundle and returns its exports. The code cache is per command (a `validate` run has
 * not compiled the gateway runtime): `cli-<fingerprint>.<command>.v8cache`. When there is none,
 * or V8 rejects it (another Node version or V8 flags), a new one is written when the process
 * exits; `dev` also replaces one 5 % smaller than what it compiled.
 */
function runBundle(file) {
  const command = COMMANDS.has(process.argv[2]) ? process.argv[2] : 'other';
  const cacheFile = file.replace(/\.cjs$/, `.${command}.v8cache`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(WRAP[0] + readFileSync(file, 'latin1') + WRAP[1], { filename: file, cachedData });
  // `dev` compiles what the requests it served needed, so a longer session may leave a fuller
  // cache than a short first one (a test that only started it): it replaces a smaller cache.
  const grows = command === 'dev';
  if (cachedData === undefined || script.cachedDataRejected || grows) {
    process.once('exit', () => {
      try {
        const data = script.createCachedData();
        if (cachedData === undefined || script.cachedDataRejected || data.length > cachedData.length * 1.05) writeAtomically(cacheFile, data);
      } catch {
        // no cache this time; the next run tries again
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), importFor(file));
  return module.exports;
}

async function loadCli() {
  process.env.SLUICE_ROOT = root;
  try {
    return runBundle(await bundledCli());
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
