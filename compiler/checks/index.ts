/**
 * Every meaning check, run in this order after the schema accepted the spec.
 * @module
 */
import { alertTopicRegion, alertTopicWithNotify } from './alerts.ts';
import { authNoneWithConsumers, authUnspecified } from './auth.ts';
import { budgetUnpriced } from './budget-unpriced.ts';
import type { Check } from './context.ts';
import { credentialEnvOnly, secretFieldWithoutSecret } from './credentials.ts';
import { deadlineBelowTimeout } from './deadline-below-timeout.ts';
import { duplicateAlias } from './duplicate-alias.ts';
import { duplicateApiKey } from './duplicate-api-key.ts';
import { duplicateLimitName } from './duplicate-limit-name.ts';
import { durationOutOfRange } from './duration-out-of-range.ts';
import { certificateRegion, hostedZoneIncomplete, wafNeedsRegion } from './edge.ts';
import { embeddingsUnsupported } from './embeddings-unsupported.ts';
import { keyExpired } from './key-expired.ts';
import { regexInvalid } from './regex-invalid.ts';
import { routeCycle } from './route-cycle.ts';
import { routeTypeMismatch } from './route-type-mismatch.ts';
import { scopeNeedsAuth } from './scope-needs-auth.ts';
import { secretInSpec } from './secret-in-spec.ts';
import { unknownConsumer } from './unknown-consumer.ts';
import { unknownModel } from './unknown-model.ts';
import { unknownProvider } from './unknown-provider.ts';
import { unknownRoute } from './unknown-route.ts';
import { unusedProvider } from './unused-provider.ts';
import { weightNotPositive } from './weight-not-positive.ts';
import { weightOutsideLoadbalance } from './weight-outside-loadbalance.ts';
import { windowInvalid } from './window-invalid.ts';

export type { Check, CheckContext } from './context.ts';

/** All checks. References come first so later checks can rely on resolved names. */
export const CHECKS: readonly Check[] = [
  unknownProvider,
  unknownModel,
  unknownRoute,
  unknownConsumer,
  duplicateAlias,
  duplicateLimitName,
  duplicateApiKey,
  routeCycle,
  routeTypeMismatch,
  weightNotPositive,
  weightOutsideLoadbalance,
  authUnspecified,
  authNoneWithConsumers,
  scopeNeedsAuth,
  budgetUnpriced,
  embeddingsUnsupported,
  durationOutOfRange,
  deadlineBelowTimeout,
  windowInvalid,
  regexInvalid,
  certificateRegion,
  hostedZoneIncomplete,
  wafNeedsRegion,
  alertTopicWithNotify,
  alertTopicRegion,
  secretFieldWithoutSecret,
  credentialEnvOnly,
  secretInSpec,
  unusedProvider,
  keyExpired,
];
