/** Helpers that build the successful behaviours: replies, streams, embeddings, custom handlers. */
import type { Behaviour, CustomHandler, EmbeddingsOptions, ReplyOptions, StreamOptions } from './types.ts';

/**
 * The default: answers whatever the path asks for (a chat completion in the form the request
 * asks for, embeddings, or the model list) with default content `Hello from <name>`.
 */
export function ok(): Behaviour {
  return { kind: 'ok' };
}

/** A chat completion; streamed (no delays) when the request sets `stream: true`, JSON otherwise. */
export function reply(options: ReplyOptions = {}): Behaviour {
  return { kind: 'reply', options };
}

/** A streamed chat completion (SSE with `[DONE]`), whatever the request's `stream` flag says. */
export function stream(options: StreamOptions = {}): Behaviour {
  return { kind: 'stream', options };
}

/** An embeddings reply: one deterministic vector per input (see `fakeEmbedding`). */
export function embeddings(options: EmbeddingsOptions = {}): Behaviour {
  return { kind: 'embeddings', options };
}

/** A hand-written reply. The handler must end or destroy `res`; `ctx.wait` pauses without leaking timers. */
export function custom(handler: CustomHandler): Behaviour {
  return { kind: 'custom', handler };
}

/** `n` copies of one behaviour, for `up.script(...times(3, fail(503)))`. */
export function times(n: number, behaviour: Behaviour): Behaviour[] {
  return Array.from({ length: n }, () => behaviour);
}
