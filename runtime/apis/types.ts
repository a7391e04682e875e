/**
 * A client API the gateway serves (OpenAI chat completions, Anthropic Messages, OpenAI
 * Responses): how its requests become the canonical chat request, and how chat answers,
 * stream chunks and errors are written back in the client's own protocol.
 * @module
 */
import type { ChatCompletion, JsonObject, Usage } from '../openai/types.ts';
import type { ClientApi, OutChunk } from '../providers/types.ts';
import type { SseEvent } from '../sse/types.ts';

/** Facts an answer in the client's protocol may need. */
export interface AnswerContext {
  /** The model the client asked for (an alias of the route). */
  readonly requestedModel: string;
  /** The gateway's request id, for ids the answer needs. */
  readonly requestId: string;
  /** Unix seconds. */
  readonly created: number;
}

/** An error as the client's protocol writes it. */
export interface ClientError {
  readonly status: number;
  /** OpenAI-style error type (`invalid_request_error`, `authentication_error`, …). */
  readonly type: string;
  /** The stable gateway code, or the provider's code for errors in the client's request. */
  readonly code: string;
  readonly message: string;
  readonly param: string | null;
}

/** Writes one stream in the client's protocol; keeps whatever state the protocol needs. */
export interface StreamEncoder {
  /** SSE text for canonical chat chunks (translated from any provider). */
  chunks(chunks: readonly OutChunk[]): string;
  /** SSE text for events that are already in this protocol (native pass-through). */
  events(events: readonly SseEvent[]): string;
  /** SSE text that ends a stream normally (`data: [DONE]`, `message_stop`, `response.completed`…). */
  done(usage: Usage | null): string;
  /** SSE text that ends a stream with an error, in this protocol (never a normal stop). */
  error(error: ClientError): string;
}

/** One client API. */
export interface ClientProtocol {
  readonly api: ClientApi;
  /** The request path it is served at. */
  readonly path: string;
  /**
   * The canonical chat request for a client body (validated; throws GatewayError with
   * code `invalid_request` and the offending `param` when the body cannot be served).
   */
  toChat(body: JsonObject): JsonObject;
  /** True when the client asked for a stream. */
  wantsStream(body: JsonObject): boolean;
  /** A chat answer in the client's shape. */
  fromChat(completion: ChatCompletion, ctx: AnswerContext): JsonObject;
  /** A new encoder for one stream. */
  streamEncoder(ctx: AnswerContext): StreamEncoder;
  /** The JSON body of an error response. */
  errorBody(error: ClientError): JsonObject;
}
