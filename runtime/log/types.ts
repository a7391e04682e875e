/**
 * One record per request, written after the response reached the client (inside the same
 * invocation). Version 1 of the schema is documented in docs/log-record.md; a change to a
 * field's meaning or a removal is a new version.
 * @module
 */

/** One upstream attempt. */
export interface AttemptRecord {
  readonly provider: string;
  readonly model: string;
  /** Upstream HTTP status; null for transport failures and timeouts. */
  readonly status: number | null;
  readonly errorClass: string | null;
  readonly latencyMs: number;
}

/** What one limit decided for the request. */
export interface LimitDecision {
  readonly id: string;
  readonly kind: 'requests' | 'tokens' | 'budget_usd' | 'concurrent';
  readonly decision: 'admitted' | 'refused' | 'store_error_open' | 'store_error_closed';
  /** The limit in its own units: requests, tokens, USD, requests at once. */
  readonly limit: number;
  /** Left in the window after this request, in the same units; null when unknown (store error, shared shards). */
  readonly remaining: number | null;
}

/** Token counts of the answer. */
export interface UsageRecord {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly reasoningTokens: number;
  /** True when the provider reported nothing and the counts are estimates (4 characters a token). */
  readonly estimated: boolean;
}

/** Which client API or gateway endpoint served the request. */
export type RecordEndpoint = 'chat' | 'messages' | 'responses' | 'embeddings' | 'models' | 'native' | 'health' | 'other';

/** What happened to one request (schema version 1). */
export interface RequestRecord {
  readonly v: 1;
  /** ISO time the request arrived. */
  readonly time: string;
  readonly requestId: string;
  readonly gateway: string;
  readonly stage: string;
  /** The Plan that served it (`sha256:…`). */
  readonly planHash: string;
  readonly endpoint: RecordEndpoint;
  readonly method: string;
  readonly path: string;
  readonly route: string | null;
  /** Consumer name (never its key); null with `auth: none` or before the key was checked. */
  readonly consumer: string | null;
  /** Client IP as `logging.client_ip` says: `sha256:<16 hex>` (hashed), the address (full), or null (none). */
  readonly clientIp: string | null;
  /** ISO 3166 country from CloudFront, when known. */
  readonly country: string | null;
  readonly requestedModel: string | null;
  readonly stream: boolean;
  readonly attempts: readonly AttemptRecord[];
  /** The provider and model that answered; null when none did (or a cache hit's original). */
  readonly provider: string | null;
  readonly model: string | null;
  readonly status: number;
  readonly errorCode: string | null;
  readonly cache: 'HIT' | 'MISS' | 'BYPASS' | null;
  readonly limits: readonly LimitDecision[];
  readonly usage: UsageRecord | null;
  /** Cost at the Plan's price of the model that answered; 0 for cache hits; null when unpriced. */
  readonly costUsd: number | null;
  readonly latencyMs: number;
  /** Time to the first body byte for streams; to the whole answer otherwise. */
  readonly ttfbMs: number | null;
  /** The `x-sluice-metadata` object, when `logging.metadata` is on. */
  readonly metadata: Readonly<Record<string, string>> | null;
  /** The request body as JSON text, redacted; only when `logging.bodies` is on. */
  readonly requestBody?: string;
  /** The answer (JSON text or stream text), redacted; only when `logging.bodies` is on. */
  readonly responseBody?: string;
}

/** Receives request records; must not throw into the request. */
export interface LogSink {
  write(record: RequestRecord): Promise<void>;
  /**
   * Optional: until `release()`, records are only queued, so nothing is shipped while a
   * response is still being written to its client (the Lambda adapter holds the sink for
   * the length of each answer).
   */
  hold?(): void;
  /** Optional: ships what `hold()` kept back, and ships at once again from now on. */
  release?(): void;
}

/** A sink that keeps nothing. */
export const nullLog: LogSink = { write: () => Promise.resolve() };
