/**
 * What `handle` reads from a request: the members of a Fetch `Request` it uses. A real
 * `Request` fits (the Lambda adapter and tests pass one); the Node adapter passes a light
 * object over the already-read body, because creating a Fetch Request costs a web stream,
 * an AbortController and a Headers copy per request.
 * @module
 */
import type { StopSignal } from './stop.ts';

/** Reads request headers by case-insensitive name (like `Headers.get`). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** The request `handle` serves. */
export interface GatewayRequest {
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers: HeaderReader;
  /** Fires when the client goes away. */
  readonly signal: StopSignal;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The body decoded as UTF-8 (a leading byte-order mark dropped), as `Request.text()` does. */
  text(): Promise<string>;
}
