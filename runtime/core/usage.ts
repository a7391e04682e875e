/**
 * Token usage of an answer: what the provider reported, or an estimate (marked as such)
 * when it reported nothing, at four characters a token.
 * @module
 */
import type { UsageRecord } from '../log/types.ts';
import type { JsonObject, Usage } from '../openai/types.ts';
import { isObject } from '../openai/types.ts';

function chars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v: unknown) => n + chars(v), 0);
  if (isObject(value)) return Object.values(value).reduce((n: number, v) => n + chars(v), 0);
  return 0;
}

/** Rough tokens of a request's prompt (messages, tools, input). */
export function estimatePromptTokens(body: JsonObject): number {
  return Math.ceil((chars(body.messages) + chars(body.tools) + chars(body.input)) / 4);
}

/** Recorded usage from a provider report, else estimated. */
export function recordUsage(reported: Usage | null, body: JsonObject, outputChars: number): UsageRecord {
  if (reported) {
    return {
      promptTokens: reported.prompt_tokens,
      completionTokens: reported.completion_tokens,
      cachedTokens: reported.prompt_tokens_details?.cached_tokens ?? 0,
      reasoningTokens: reported.completion_tokens_details?.reasoning_tokens ?? 0,
      estimated: false,
    };
  }
  return { promptTokens: estimatePromptTokens(body), completionTokens: Math.ceil(outputChars / 4), cachedTokens: 0, reasoningTokens: 0, estimated: true };
}

/** Usage in OpenAI's shape from a recorded (possibly estimated) one, for settling limits and pricing. */
export function asUsage(u: UsageRecord): Usage {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    ...(u.cachedTokens > 0 ? { prompt_tokens_details: { cached_tokens: u.cachedTokens } } : {}),
    ...(u.reasoningTokens > 0 ? { completion_tokens_details: { reasoning_tokens: u.reasoningTokens } } : {}),
  };
}
