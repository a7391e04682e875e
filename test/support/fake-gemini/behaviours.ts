/** Helpers that build the fake Gemini's behaviours. */
import type { CustomContext, GeminiBehaviour, GeminiRequestRecord, GoogleErrorSpec, ReplyOptions } from './types.ts';
import type { ServerResponse } from 'node:http';

/** The default: answers what the path asks for (a generated answer, a stream, embeddings). */
export function ok(): GeminiBehaviour {
  return { kind: 'ok' };
}

/** A generated answer: JSON for `:generateContent`, SSE events for `:streamGenerateContent`. */
export function reply(options: ReplyOptions = {}): GeminiBehaviour {
  return { kind: 'reply', options };
}

/** A blocked prompt: 200 with `promptFeedback.blockReason` and no candidates. */
export function blockPrompt(reason = 'SAFETY'): GeminiBehaviour {
  return { kind: 'blockPrompt', reason };
}

/** An answer a filter stopped: finishReason `reason` (default SAFETY), after `text` when given (streamed before the stop). */
export function safetyStop(text: string | null = null, reason = 'SAFETY'): GeminiBehaviour {
  return { kind: 'safetyStop', text, reason };
}

/** An HTTP error with Google's error body. */
export function fail(status: number, error: GoogleErrorSpec = {}): GeminiBehaviour {
  return { kind: 'fail', status, error };
}

/** Streams `afterChunks` events of a reply, then `data: {"error": …}` with `status` as its code, then ends. */
export function errorInStream(afterChunks: number, status = 500, error: GoogleErrorSpec = {}, options: ReplyOptions = {}): GeminiBehaviour {
  return { kind: 'errorInStream', afterChunks, status, error, options };
}

/** Embeddings of `dims` values (default: the request's outputDimensionality, else 8). */
export function embeddings(dims: number | null = null): GeminiBehaviour {
  return { kind: 'embeddings', dims };
}

/** Never answers. */
export function hang(): GeminiBehaviour {
  return { kind: 'hang' };
}

/** A hand-written answer; the handler must end `res`. */
export function custom(handler: (req: GeminiRequestRecord, res: ServerResponse, ctx: CustomContext) => unknown): GeminiBehaviour {
  return { kind: 'custom', handler };
}
