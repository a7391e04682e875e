/** Lambda entry point (bundled to `index.mjs`): wires the real dependencies and exports `handler`. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../core/context.ts';
import { createStreamingHandler } from './adapter.ts';
import { BUNDLE_FILES, LAMBDA_ENV } from './config.ts';
import { loadPlanFile } from './plan-file.ts';
import { createSecretCache } from './secret-cache.ts';
import { secretsManagerFetcher } from './secrets-manager.ts';

/** Secret values are re-read after this long, so rotated provider keys are picked up without a deploy. */
const SECRET_MAX_AGE_MS = 5 * 60_000;

const plan = loadPlanFile(new URL(`./${BUNDLE_FILES.plan}`, import.meta.url));
const secrets = createSecretCache(secretsManagerFetcher(new SecretsManagerClient({})), systemClock, SECRET_MAX_AGE_MS);

/** The streaming handler API Gateway invokes (`index.handler`). */
export const handler = awslambda.streamifyResponse(
  createStreamingHandler({
    plan,
    clock: systemClock,
    secrets,
    originVerifySecretId: process.env[LAMBDA_ENV.originVerifySecretArn],
  }),
);
