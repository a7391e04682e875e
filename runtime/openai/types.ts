/**
 * The OpenAI wire shapes the gateway reads and writes: only the fields the pipeline looks
 * at are typed; everything else passes through untouched.
 * @module
 */

/** A JSON object as parsed from a request or response body. */
export type JsonObject = Record<string, unknown>;

/** Token usage as OpenAI reports it. */
export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  /** `cached_tokens`: prompt tokens read from the provider's prompt cache; `cache_creation_tokens`: written to it (Anthropic, Bedrock). */
  readonly prompt_tokens_details?: { readonly cached_tokens?: number; readonly cache_creation_tokens?: number };
  readonly completion_tokens_details?: { readonly reasoning_tokens?: number };
}

/** A `chat.completion.chunk` as far as the pipeline reads it. */
export interface ChatChunk extends JsonObject {
  readonly choices?: readonly {
    readonly index?: number;
    readonly delta?: { readonly content?: string | null; readonly tool_calls?: readonly { readonly function?: { readonly arguments?: string } }[] };
    readonly finish_reason?: string | null;
  }[];
  readonly usage?: Usage | null;
}

/** A `chat.completion` as far as the pipeline reads it. */
export interface ChatCompletion extends JsonObject {
  readonly choices?: readonly unknown[];
  readonly usage?: Usage | null;
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
