/**
 * A Messages API answer to an OpenAI `chat.completion`: text blocks to `content`,
 * `tool_use` blocks to `tool_calls`, `stop_reason` to `finish_reason`, usage with cache tokens.
 * @module
 */
import { isObject, type ChatCompletion, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderAnthropic } from '../../plan.ts';
import type { CallInput, ParsedResponse } from '../types.ts';
import { errorMember, malformed, streamFailure } from './errors.ts';
import { usageOf } from './wire.ts';

/** OpenAI finish reasons by Anthropic stop reason. */
const FINISH: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  // The turn is unfinished (paused long turn, context window full): like a cut, the client continues it.
  pause_turn: 'length',
  model_context_window_exceeded: 'length',
};

/** The OpenAI `finish_reason` for a `stop_reason` (`stop` for unknown or missing ones). */
export function finishReason(stopReason: unknown): string {
  return (typeof stopReason === 'string' ? FINISH[stopReason] : undefined) ?? 'stop';
}

/** An OpenAI tool call for a `tool_use` block. */
export function toolCallOf(block: JsonObject): JsonObject {
  return { id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } };
}

/** Translates a non-streaming answer. */
export function chatResponse(body: unknown, input: CallInput<PlanProviderAnthropic>): ParsedResponse<ChatCompletion> {
  if (errorMember(body)) return { ok: false, failure: streamFailure(body) };
  if (!isObject(body) || !Array.isArray(body.content) || typeof body.id !== 'string') return { ok: false, failure: malformed('an answer that is not a message') };
  const blocks = body.content.filter(isObject);
  const texts = blocks.filter((b) => b.type === 'text' && typeof b.text === 'string').map((b) => b.text as string);
  const calls = blocks.filter((b) => b.type === 'tool_use').map(toolCallOf);
  const message: JsonObject = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : calls.length > 0 ? null : '',
    refusal: null,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
  const usage = usageOf(body.usage);
  const completion: ChatCompletion = {
    id: body.id,
    object: 'chat.completion',
    created: input.created,
    model: typeof body.model === 'string' ? body.model : input.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(body.stop_reason) }],
    ...(usage ? { usage } : {}),
  };
  return { ok: true, value: completion, usage };
}
