/**
 * The shape every provider adapter has: pure transforms between the OpenAI wire format the
 * client speaks and the provider's own API, for requests, responses, stream events and
 * errors. Sending is not the adapter's job; the pipeline does it with one HTTP client.
 * @module
 */
import type { UpstreamClient, UpstreamRequest } from '../http/types.ts';
import type { ChatChunk, ChatCompletion, JsonObject, Usage } from '../openai/types.ts';
import type { PlanProvider } from '../plan.ts';
import type { Failure } from '../routing/failure.ts';
import type { SseEvent } from '../sse/types.ts';

/** What an adapter needs to build one upstream request. */
export interface CallInput<P extends PlanProvider = PlanProvider> {
  readonly provider: P;
  /** The model to ask the provider for (the target's model). */
  readonly model: string;
  /** The client's request body with the target's params applied; `model` is the target's. */
  readonly body: JsonObject;
  /** The provider's API key, when it has one. */
  readonly apiKey: string | null;
  /** Extra headers the pipeline adds (idempotency key, user agent). */
  readonly headers: Readonly<Record<string, string>>;
  /** Unix seconds for `created` fields the provider does not supply. */
  readonly created: number;
  /** The gateway's request id, for ids the provider does not supply (`chatcmpl-<id>`). */
  readonly requestId: string;
}

/**
 * Thrown by `request()` when the client's request uses something the provider cannot take
 * (an image form, a parameter): the client gets a 400 saying so, never a silent drop.
 */
export class UnsupportedInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedInput';
  }
}

/** One OpenAI chunk for the client; `raw` is its JSON text when it can be forwarded as is. */
export interface OutChunk {
  readonly chunk: ChatChunk;
  readonly raw: string | null;
}

/** What one upstream stream event means. */
export type StreamStep =
  | { readonly kind: 'chunks'; readonly chunks: readonly OutChunk[]; readonly usage: Usage | null }
  /** Events already in the client's own protocol (native pass-through), forwarded as they are. */
  | { readonly kind: 'events'; readonly events: readonly SseEvent[]; readonly usage: Usage | null; readonly outputChars: number; readonly finished: boolean }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly failure: Failure }
  | { readonly kind: 'ignore' };

/** Turns a provider's stream events into OpenAI chunks; one per stream (it may keep state). */
export interface StreamTranslator {
  next(event: SseEvent): StreamStep;
}

/** A parsed non-streaming answer: the OpenAI-shaped body and its usage, or a failure. */
export type ParsedResponse<T> = { readonly ok: true; readonly value: T; readonly usage: Usage | null } | { readonly ok: false; readonly failure: Failure };

/** Chat completions for one provider type. */
export interface ChatAdapter<P extends PlanProvider> {
  request(input: CallInput<P>): UpstreamRequest;
  response(body: unknown, input: CallInput<P>): ParsedResponse<ChatCompletion>;
  stream(input: CallInput<P>): StreamTranslator;
}

/** Embeddings for one provider type. */
export interface EmbeddingsAdapter<P extends PlanProvider> {
  request(input: CallInput<P>): UpstreamRequest;
  response(body: unknown, input: CallInput<P>): ParsedResponse<JsonObject>;
}

/** Provider-native pass-through: where `/native/<provider>/<path>` goes and how it authenticates. */
export interface NativeAdapter<P extends PlanProvider> {
  url(provider: P, path: string, search: string): string;
  headers(provider: P, apiKey: string | null): Record<string, string>;
}

/** APIs clients call the gateway with. Chat completions is the canonical one. */
export type ClientApi = 'chat' | 'messages' | 'responses';

/**
 * A client API the provider speaks natively (Anthropic Messages on Anthropic, Responses on
 * OpenAI): the client's body goes out with only `model` replaced, and answers come back
 * unchanged, so nothing is lost in translation. `input.body` is in that API's shape.
 */
export interface NativeApiAdapter<P extends PlanProvider> {
  request(input: CallInput<P>): UpstreamRequest;
  /** Checks a JSON answer and reads its usage (in OpenAI's usage shape). */
  response(body: unknown, input: CallInput<P>): ParsedResponse<JsonObject>;
  /** Steps of kind `events` (and done / error / ignore). */
  stream(input: CallInput<P>): StreamTranslator;
}

/** Everything Sluice knows about one provider type. */
export interface ProviderAdapter<P extends PlanProvider = PlanProvider> {
  readonly type: P['type'];
  readonly chat: ChatAdapter<P>;
  /** Client APIs other than chat that this provider serves natively. */
  readonly apis?: Partial<Record<Exclude<ClientApi, 'chat'>, NativeApiAdapter<P>>>;
  readonly embeddings: EmbeddingsAdapter<P> | null;
  readonly native: NativeAdapter<P> | null;
  /** Maps an error response (status, headers, body text) to a Failure. */
  error(status: number, headers: Readonly<Record<string, string>>, text: string, now: number): Failure;
  /** A transport of its own (the mock answers in-process); null: the shared HTTP client. */
  transport(provider: P): UpstreamClient | null;
}
