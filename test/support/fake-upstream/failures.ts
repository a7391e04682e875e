/** Helpers that build failing behaviours: HTTP errors, delays, resets, broken bodies and streams. */
import { ok } from './behaviours.ts';
import type { Behaviour, ErrorSpec, FailOptions, StreamOptions } from './types.ts';

/** An HTTP error with an OpenAI error body; `retryAfter` sets `Retry-After` (seconds or date). */
export function fail(status: number, options: FailOptions = {}): Behaviour {
  return { kind: 'fail', status, options };
}

/** Holds for `ms` before sending anything (headers included), then behaves like `then`. */
export function slowHeaders(ms: number, then: Behaviour = ok()): Behaviour {
  return { kind: 'slowHeaders', ms, then };
}

/** Reads the whole request body, then resets the connection (TCP RST) without a response. */
export function resetBeforeHeaders(): Behaviour {
  return { kind: 'resetBeforeHeaders' };
}

/**
 * Streams `afterChunks` chunks, then drops the connection mid-body (no terminating chunk, no
 * `[DONE]`). The socket is closed rather than RST so the chunks already sent reliably arrive.
 */
export function resetMidStream(afterChunks: number, options: StreamOptions = {}): Behaviour {
  return { kind: 'resetMidStream', afterChunks, options };
}

/** 200 `application/json` whose body is a truncated chat completion. */
export function malformedJson(): Behaviour {
  return { kind: 'malformedJson' };
}

/** Streams `afterChunks` chunks, then a `data:` line that is not JSON, then the rest and `[DONE]`. */
export function malformedChunk(afterChunks: number, options: StreamOptions = {}): Behaviour {
  return { kind: 'malformedChunk', afterChunks, options };
}

/** Streams `afterChunks` chunks, then `data: {"error":{...}}` (default: a server_error), then ends. */
export function errorInStream(spec: { afterChunks: number; error?: ErrorSpec } & StreamOptions): Behaviour {
  const { afterChunks, error = {}, ...options } = spec;
  return { kind: 'errorInStream', afterChunks, error, options };
}

/** A 200 event stream whose first event is `data: {"error":{...}}`, then ends. */
export function errorAsFirstEvent(error: ErrorSpec = {}, options: StreamOptions = {}): Behaviour {
  return { kind: 'errorAsFirstEvent', error, options };
}

/** Streams `afterChunks` chunks (none with `finish_reason`), then ends cleanly without `[DONE]`. */
export function cutStream(afterChunks: number, options: StreamOptions = {}): Behaviour {
  return { kind: 'cutStream', afterChunks, options };
}

/** Never answers; the exchange ends when the client gives up or the fake closes. */
export function hang(): Behaviour {
  return { kind: 'hang' };
}
