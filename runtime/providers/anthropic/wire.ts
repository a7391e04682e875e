/**
 * Anthropic Messages API basics shared by the translators: where requests go, the headers
 * they carry, and the usage report in OpenAI's shape.
 * @module
 */
import { isObject, type JsonObject, type Usage } from '../../openai/types.ts';
import type { PlanProviderAnthropic } from '../../plan.ts';

/** A content block as sent to or read from the Messages API. */
export type Block = JsonObject;

/** OpenAI usage with the prompt-cache write count Anthropic also reports. */
export interface AnthropicUsage extends Usage {
  readonly prompt_tokens_details: { readonly cached_tokens: number; readonly cache_creation_tokens: number };
}

/** `{baseUrl}/{path}` without a doubled slash. */
export function providerUrl(provider: PlanProviderAnthropic, path: string): string {
  return `${provider.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Headers of a Messages call: the provider's `anthropic-version` (a pipeline header of the same
 * name wins, so it is only a default), the pipeline's extra headers, then the key, which
 * nothing overrides.
 */
export function callHeaders(provider: PlanProviderAnthropic, apiKey: string | null, extra: Readonly<Record<string, string>>, stream: boolean): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': provider.version,
    ...extra,
    ...(apiKey === null ? {} : { 'x-api-key': apiKey }),
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * OpenAI usage from Anthropic's: prompt tokens are `input_tokens` plus cache reads and cache
 * writes (Anthropic counts those apart; together they are the whole prompt),
 * `prompt_tokens_details.cached_tokens` the cache reads, `cache_creation_tokens` the writes.
 * Null when `input_tokens` or `output_tokens` is missing.
 */
export function usageOf(value: unknown): AnthropicUsage | null {
  if (!isObject(value) || typeof value.input_tokens !== 'number' || typeof value.output_tokens !== 'number') return null;
  const read = count(value.cache_read_input_tokens);
  const write = count(value.cache_creation_input_tokens);
  const prompt = count(value.input_tokens) + read + write;
  const completion = count(value.output_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: read, cache_creation_tokens: write } };
}

/**
 * Usage across a stream: `message_start` carries the input side, `message_delta` cumulative
 * counts in which the input fields may be missing or null (then the start's values hold).
 */
export function mergeUsage(start: JsonObject | null, delta: unknown): AnthropicUsage | null {
  const merged: JsonObject = { ...(start ?? {}) };
  if (isObject(delta)) for (const [k, v] of Object.entries(delta)) if (v !== null && v !== undefined) merged[k] = v;
  return usageOf(merged);
}

/** Parses one SSE event's data as a JSON object; null when it is not one. */
export function eventData(data: string): JsonObject | null {
  try {
    const parsed: unknown = JSON.parse(data);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
