/**
 * Names of the headers Sluice reads from clients and adds to every answer.
 * @module
 */

/** Response headers that say how a request was served. */
export const SLUICE_HEADERS = {
  requestId: 'x-sluice-request-id',
  route: 'x-sluice-route',
  provider: 'x-sluice-provider',
  model: 'x-sluice-model',
  attempts: 'x-sluice-attempts',
  cache: 'x-sluice-cache',
} as const;

/** Request headers Sluice understands. */
export const CLIENT_HEADERS = {
  metadata: 'x-sluice-metadata',
  idempotencyKey: 'idempotency-key',
  country: 'cloudfront-viewer-country',
  apiKey: 'x-api-key',
} as const;

/** Tells OpenAI SDKs not to retry: the gateway already did (they honour `x-should-retry`). */
export const NO_CLIENT_RETRY = { 'x-should-retry': 'false' } as const;
