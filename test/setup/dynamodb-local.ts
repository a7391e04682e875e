/** Vitest globalSetup: starts AWS's DynamoDB Local for runs that include a test file importing `test/setup/dynamo.ts`, provides its endpoint as `dynamodbEndpoint`, and stops it at teardown. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDynamoLocal } from './dynamodb-local-jar.ts';
import { startDynamoLocal } from './dynamodb-local-process.ts';
// `provide('dynamodbEndpoint', …)` is typed by the ProvidedContext augmentation in ./dynamo.ts
// (not imported here: it loads `vitest`'s test-side API).

const ROOT = join(import.meta.dirname, '..', '..');

/** How a test file says it needs DynamoDB Local: it imports the helpers module directly. */
const MARKER = /['"][./]*(?:[\w-]+\/)*setup\/dynamo\.ts['"]/;

/**
 * Whether this run needs DynamoDB Local, and why. Watch mode always does (files can change
 * later). Otherwise the run's test files are globbed with the CLI's file filters and scanned for
 * an import of `setup/dynamo.ts`. The filters are read from vitest's internal `filenamePattern`;
 * if that ever stops being a string list the glob covers every test file, so the check can only
 * err towards starting Java, never towards a missing endpoint.
 */
async function needed(project: TestProject): Promise<string | undefined> {
  if (project.config.watch) return 'watch mode';
  const raw = (project.vitest as unknown as { filenamePattern?: unknown }).filenamePattern;
  const filters = Array.isArray(raw) && raw.every((f) => typeof f === 'string') ? (raw as string[]) : undefined;
  const { testFiles } = await project.globTestFiles(filters);
  return testFiles.find((file) => MARKER.test(readFileSync(file, 'utf8')));
}

/**
 * Starts DynamoDB Local when needed and returns the teardown that stops it. Fails the run (never
 * skips) when Java is missing, the one-time download fails, or it does not answer within 30 s.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const reason = await needed(project);
  if (reason === undefined) return undefined;
  const started = Date.now();
  const dist = ensureDynamoLocal(ROOT);
  const fetched = Date.now();
  const local = await startDynamoLocal(dist, { timeoutMs: 30_000 });
  project.provide('dynamodbEndpoint', local.endpoint);
  const note = dist.downloaded ? `downloaded in ${((fetched - started) / 1000).toFixed(1)} s, ` : '';
  process.stderr.write(`[dynamodb-local] ${local.endpoint} (${note}ready in ${((Date.now() - fetched) / 1000).toFixed(1)} s; needed by ${reason.startsWith('/') ? reason.slice(ROOT.length + 1) : reason})\n`);
  return () => local.stop();
}
