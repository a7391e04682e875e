/** The CDK context (feature flags) from the project's `cdk.json`, so in-process apps and tests match `cdk synth`. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the project root (the directory holding `cdk.json`). */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

let cached: Readonly<Record<string, unknown>> | undefined;

/** The `context` object of `cdk.json` (read once per process). */
export function cdkJsonContext(): Readonly<Record<string, unknown>> {
  if (!cached) {
    const parsed: unknown = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8'));
    const context = typeof parsed === 'object' && parsed !== null ? (parsed as { context?: unknown }).context : undefined;
    if (typeof context !== 'object' || context === null) throw new Error('cdk.json has no "context" object.');
    cached = context as Record<string, unknown>;
  }
  return cached;
}
