// `node --import` preload for the shared harness scripts: registers harness-resolve.mjs so their bare imports (autocannon) resolve from the bench's own install.
import { register } from 'node:module';

if (process.env.BENCH_HARNESS_DEPS) {
  register('./harness-resolve.mjs', import.meta.url, { data: { deps: process.env.BENCH_HARNESS_DEPS } });
}
