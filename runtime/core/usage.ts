/**
 * Token usage of an answer: what the provider reported, or an estimate (marked as such)
 * when it reported nothing, at four characters a token.
 * @module
 */
import type { JsonObject, Usage } from '../openai/types.ts';
import { isObject } from '../openai/types.ts';

/** Usage as recorded for a request. */
export interface RecordedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly estimated: boolean;
}

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
export function recordUsage(reported: Usage | null, body: JsonObject, outputChars: number): RecordedUsage {
  if (reported) return { promptTokens: reported.prompt_tokens, completionTokens: reported.completion_tokens, estimated: false };
  return { promptTokens: estimatePromptTokens(body), completionTokens: Math.ceil(outputChars / 4), estimated: true };
}
