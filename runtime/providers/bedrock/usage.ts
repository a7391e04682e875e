/** Bedrock token usage and stop reasons in OpenAI's terms. */
import { isObject, type Usage } from '../../openai/types.ts';
import { merged } from '../../merged.ts';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * OpenAI usage from a Converse `usage` (TokenUsage), or null when it is missing or malformed.
 * Bedrock counts cache reads and writes apart from `inputTokens`, while OpenAI's `prompt_tokens`
 * includes cached tokens: the prompt is the sum, `cached_tokens` the cache reads.
 */
export function usageOf(value: unknown): Usage | null {
  if (!isObject(value) || typeof value.inputTokens !== 'number' || typeof value.outputTokens !== 'number') return null;
  const prompt = value.inputTokens + num(value.cacheReadInputTokens) + num(value.cacheWriteInputTokens);
  const usage = { prompt_tokens: prompt, completion_tokens: value.outputTokens, total_tokens: prompt + value.outputTokens };
  const cached = value.cacheReadInputTokens !== undefined || value.cacheWriteInputTokens !== undefined;
  return cached ? merged(usage, { prompt_tokens_details: { cached_tokens: num(value.cacheReadInputTokens) } }) : usage;
}

/** How an answer ended, in OpenAI's terms; `malformed` when the model's output was unusable. */
export type Finish = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'malformed';

/** OpenAI's finish reason for a Converse `stopReason` (unknown future reasons read as `stop`). */
export function finishOf(stopReason: unknown): Finish {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return 'malformed';
    default:
      return 'stop';
  }
}
