/**
 * One record per request, written after the response reached the client. The full record
 * schema and its sinks (Firehose, NDJSON files) grow here; the pipeline only builds and
 * hands over records.
 * @module
 */

/** One upstream attempt as logged. */
export interface AttemptRecord {
  readonly provider: string;
  readonly model: string;
  readonly status: number | null;
  readonly errorClass: string | null;
  readonly latencyMs: number;
}

/** What happened to one request. */
export interface RequestRecord {
  readonly version: 1;
  readonly time: string;
  readonly requestId: string;
  readonly planHash: string;
  readonly endpoint: string;
  readonly route: string | null;
  readonly consumer: string | null;
  readonly requestedModel: string | null;
  readonly stream: boolean;
  readonly attempts: readonly AttemptRecord[];
  readonly status: number;
  readonly errorCode: string | null;
  /** Cache status of the request: HIT, MISS or BYPASS. */
  readonly cache: 'HIT' | 'MISS' | 'BYPASS';
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number; readonly estimated: boolean } | null;
  readonly latencyMs: number;
  readonly ttfbMs: number | null;
}

/** Receives request records; must not throw into the request. */
export interface LogSink {
  write(record: RequestRecord): Promise<void>;
}

/** A sink that keeps nothing. */
export const nullLog: LogSink = { write: () => Promise.resolve() };
