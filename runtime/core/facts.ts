/**
 * The facts of a request that strategy conditions can test: headers, the JSON object in
 * `x-sluice-metadata`, and the caller's country from CloudFront.
 * @module
 */
import { isObject } from '../openai/types.ts';
import type { RequestFacts } from '../routing/call.ts';
import { GatewayError } from './errors.ts';
import { CLIENT_HEADERS } from './headers.ts';
import type { GatewayRequest } from './request.ts';

/** Longest `x-sluice-metadata` value accepted. */
const MAX_METADATA_BYTES = 4096;

/** Parses `x-sluice-metadata`: a JSON object of strings, numbers or booleans. */
export function parseMetadata(value: string | null): Record<string, string> {
  if (value === null || value.trim() === '') return {};
  if (value.length > MAX_METADATA_BYTES) throw new GatewayError('invalid_metadata', `The ${CLIENT_HEADERS.metadata} header is longer than ${MAX_METADATA_BYTES} bytes.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed)) throw new GatewayError('invalid_metadata', `The ${CLIENT_HEADERS.metadata} header must be a JSON object, like {"feature":"search"}.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/** The facts of a request. */
export function requestFacts(request: GatewayRequest): RequestFacts {
  const country = request.headers.get(CLIENT_HEADERS.country);
  return {
    headers: request.headers,
    metadata: parseMetadata(request.headers.get(CLIENT_HEADERS.metadata)),
    country: country !== null && /^[A-Z]{2}$/.test(country) ? country : null,
  };
}
