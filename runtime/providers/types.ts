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
}

/** One OpenAI chunk for the client; `raw` is its JSON text when it can be forwarded as is. */
export interface OutChunk {
  readonly chunk: ChatChunk;
  readonly raw: string | null;
}

/** What one upstream stream event means. */
export type StreamStep =
  | { readonly kind: 'chunks'; readonly chunks: readonly OutChunk[]; readonly usage: Usage | null }
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
  response(body: unknown): ParsedResponse<ChatCompletion>;
  stream(input: CallInput<P>): StreamTranslator;
}

/** Embeddings for one provider type. */
export interface EmbeddingsAdapter<P extends PlanProvider> {
  request(input: CallInput<P>): UpstreamRequest;
  response(body: unknown): ParsedResponse<JsonObject>;
}

/** Provider-native pass-through: where `/native/<provider>/<path>` goes and how it authenticates. */
export interface NativeAdapter<P extends PlanProvider> {
  url(provider: P, path: string, search: string): string;
  headers(provider: P, apiKey: string | null): Record<string, string>;
}

/** Everything Sluice knows about one provider type. */
export interface ProviderAdapter<P extends PlanProvider = PlanProvider> {
  readonly type: P['type'];
  readonly chat: ChatAdapter<P>;
  readonly embeddings: EmbeddingsAdapter<P> | null;
  readonly native: NativeAdapter<P> | null;
  /** Maps an error response (status, headers, body text) to a Failure. */
  error(status: number, headers: Readonly<Record<string, string>>, text: string, now: number): Failure;
  /** A transport of its own (the mock answers in-process); null: the shared HTTP client. */
  transport(provider: P): UpstreamClient | null;
}
