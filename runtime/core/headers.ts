/**
 * Names of the headers Sluice reads from clients and adds to every answer.
 * @module
 */

/**
 * `text` as a header value: visible ASCII and spaces stay as they are, anything else (a model
 * name in another script, say) is percent-encoded as UTF-8. Fetch headers take only bytes, and
 * a value a client chose must never make an answer fail after the provider was paid.
 */
export function headerValue(text: string): string {
  // A lone surrogate (JSON allows "\ud800") has no UTF-8: it becomes U+FFFD.
  // Once anything is encoded, so is "%", so decodeURIComponent gives the text back.
  return /^[\x20-\x7e]*$/.test(text) ? text : text.replace(/[^\x20-\x24\x26-\x7e]/gu, (c) => (c.length === 1 && c >= '\ud800' && c <= '\udfff' ? '%EF%BF%BD' : encodeURIComponent(c)));
}

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
