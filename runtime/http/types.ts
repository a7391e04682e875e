/**
 * The upstream HTTP client contract: what the request pipeline needs from a transport to
 * talk to providers, including *where* a failure happened, so retries never resend a POST
 * that the provider may already have accepted.
 * @module
 */
import type { StopSignal } from '../core/stop.ts';

/** One HTTP request to a provider. */
export interface UpstreamRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | null;
  /**
   * Aborts the exchange at any phase (attempt timeout, deadline, client disconnect). The
   * abort reason is kept as `UpstreamError.reason`.
   */
  readonly signal?: StopSignal;
}

/** A provider's response whose headers have arrived; the body is read on demand. */
export interface UpstreamResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as it arrives. Iterate at most once. Errors are UpstreamErrors (phase `receive`). */
  readonly body: AsyncIterable<Uint8Array>;
  /** Reads the whole body; fails with UpstreamError (`too_large`) beyond `maxBytes`. */
  text(maxBytes: number): Promise<string>;
  /** Stops reading and releases the connection (destroying it: a half-read body cannot be reused). */
  cancel(): void;
}

/** Where an exchange failed. */
export type UpstreamPhase =
  /** Before the request body was completely written: the provider cannot have accepted it. */
  | 'connect'
  /** After the body was written, before response headers: the provider may have accepted it. */
  | 'wait'
  /** While reading the response body. */
  | 'receive';

/** Why an exchange failed. */
export type UpstreamFailure = 'network' | 'aborted' | 'too_large';

/** A failed exchange. Messages never contain request headers or bodies. */
export class UpstreamError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    readonly phase: UpstreamPhase,
    message: string,
    /** The AbortSignal's reason when `failure` is `aborted`. */
    readonly reason?: unknown,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  /** True when the provider may have received the whole request. */
  get maybeAccepted(): boolean {
    return this.phase !== 'connect';
  }
}

/** Sends requests to providers. */
export interface UpstreamClient {
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
}
