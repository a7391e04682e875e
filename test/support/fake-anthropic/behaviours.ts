/** Helpers that build the fake Anthropic API's behaviours. */
import type { Behaviour, CustomHandler, ErrorSpec, FailOptions, StreamOptions } from './types.ts';

/** A message: streamed when the request sets `stream: true`, JSON otherwise. */
export function reply(options: StreamOptions = {}): Behaviour {
  return { kind: 'reply', options };
}

/** A streamed message whatever the request says. */
export function stream(options: StreamOptions = {}): Behaviour {
  return { kind: 'stream', options };
}

/** An HTTP error with an Anthropic error body (`retryAfter` sets `retry-after`). */
export function fail(status: number, options: FailOptions = {}): Behaviour {
  return { kind: 'fail', status, options };
}

/**
 * A 200 stream that sends `after` events of the message (0: none, 1: `message_start`, …),
 * then `event: error` (default `overloaded_error`), then ends.
 */
export function errorEvent(after: number, error: ErrorSpec = {}, options: StreamOptions = {}): Behaviour {
  return { kind: 'errorEvent', after, error, options };
}

/** Never answers; ends when the client gives up or the fake closes. */
export function hang(): Behaviour {
  return { kind: 'hang' };
}

/** A hand-written answer; the handler must end the response. */
export function custom(handler: CustomHandler): Behaviour {
  return { kind: 'custom', handler };
}
