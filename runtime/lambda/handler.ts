/**
 * Lambda entry point (bundled to `index.mjs`): wires the real dependencies once per
 * environment and exports `handler`.
 * @module
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../core/context.ts';
import { createHttpClient } from '../http/client.ts';
import { createAwsLogSink } from '../log/aws.ts';
import { limitMemory } from '../policies/limits.ts';
import { createBreakers } from '../routing/breaker.ts';
import { connectStore } from '../store/dynamodb.ts';
import { lazyStore, needsState } from '../store/lazy.ts';
import { createStreamingHandler } from './adapter.ts';
import { BUNDLE_FILES, LAMBDA_ENV } from './config.ts';
import { loadPlanFile } from './plan-file.ts';
import { createSecretCache } from './secret-cache.ts';
import { secretsManagerFetcher } from './secrets-manager.ts';

/** Secret values are re-read after this long, so rotated provider keys are picked up without a deploy. */
const SECRET_MAX_AGE_MS = 5 * 60_000;

const tableName = process.env[LAMBDA_ENV.tableName];
const plan = loadPlanFile(new URL(`./${BUNDLE_FILES.plan}`, import.meta.url));
const secretCache = createSecretCache(secretsManagerFetcher(new SecretsManagerClient({})), systemClock, SECRET_MAX_AGE_MS);

/** The streaming handler API Gateway invokes (`index.handler`). */
export const handler = awslambda.streamifyResponse(
  createStreamingHandler({
    runtime: {
      plan,
      clock: systemClock,
      secrets: secretCache.get,
      env: {},
      upstream: createHttpClient(),
      random: Math.random,
      breakers: createBreakers(),
      log: createAwsLogSink({ plan, streamName: process.env[LAMBDA_ENV.logStreamName] }),
      store: tableName && needsState(plan) ? lazyStore(async () => (await connectStore({ tableName })).store) : null,
      limitMemory: limitMemory(),
    },
    secretCache,
    originVerifySecretId: process.env[LAMBDA_ENV.originVerifySecretArn],
  }),
);
