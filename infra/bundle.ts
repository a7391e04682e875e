/** Bundles `runtime/` with esbuild into a content-addressed directory: `index.mjs`, its source map and `plan.json`. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { canonicalJson } from '../compiler/canonical.ts';
import { BUNDLE_FILES } from '../runtime/lambda/config.ts';
import type { Plan } from '../runtime/plan.ts';
import { PROJECT_ROOT } from './cdk-context.ts';

/** Lambda entry, relative to the project root. */
const ENTRY = 'runtime/lambda/handler.ts';
/**
 * Where esbuild believes it writes (never written: `write: false`). Being inside the project fixes the
 * source map's relative `sources` (`../../runtime/…`), so the output is the same in every checkout.
 */
const VIRTUAL_OUTFILE = `.sluice/bundle/${BUNDLE_FILES.code}`;
/** ESM output still needs `require` for the CommonJS parts of the AWS SDK. */
const BANNER = "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);";
/** Sub-directory of the output directory that holds bundles, one per content hash. */
export const BUNDLES_DIR = '.sluice-bundles';

/** The compiled runtime: Plan-independent, so built once per process. */
export interface CompiledRuntime {
  readonly code: Uint8Array;
  readonly sourceMap: Uint8Array;
}

let compiled: CompiledRuntime | undefined;

/** Runs esbuild over the runtime once per process (node24 target, ESM, minified, AWS SDK bundled). */
export function compileRuntime(): CompiledRuntime {
  compiled ??= build();
  return compiled;
}

function build(): CompiledRuntime {
  const result = buildSync({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [ENTRY],
    outfile: VIRTUAL_OUTFILE,
    write: false,
    bundle: true,
    platform: 'node',
    // Lambda runs nodejs24.x; nothing in runtime/ needs syntax newer than Node 20 (tests and `sluice dev`).
    target: 'node24',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: 'linked',
    banner: { js: BANNER },
    charset: 'utf8',
    logLevel: 'silent',
  });
  const find = (suffix: string): Uint8Array => {
    const file = result.outputFiles.find((f) => f.path.endsWith(suffix));
    if (!file) throw new Error(`esbuild produced no ${suffix}`);
    return file.contents;
  };
  return { code: find(`/${BUNDLE_FILES.code}`), sourceMap: find(`/${BUNDLE_FILES.sourceMap}`) };
}

/**
 * Writes the bundle for `plan` under `<outDir>/.sluice-bundles/<hash>/` and returns that directory.
 * The directory name and contents depend only on the runtime sources (and locked dependencies) and the Plan.
 */
export function bundleRuntime(plan: Plan, outDir: string): string {
  const { code, sourceMap } = compileRuntime();
  const files: ReadonlyArray<readonly [string, Uint8Array | string]> = [
    [BUNDLE_FILES.code, code],
    [BUNDLE_FILES.sourceMap, sourceMap],
    [BUNDLE_FILES.plan, `${canonicalJson(plan)}\n`],
  ];
  const hash = createHash('sha256');
  for (const [name, contents] of files) hash.update(`${name}\0${Buffer.byteLength(contents)}\0`).update(contents);
  const dir = join(outDir, BUNDLES_DIR, hash.digest('hex').slice(0, 32));
  mkdirSync(dir, { recursive: true });
  // Same name means same bytes, so rewriting an existing bundle (another synth, another process) is harmless.
  for (const [name, contents] of files) writeFileSync(join(dir, name), contents);
  return dir;
}
