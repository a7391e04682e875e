/** Canonical chat answers → Anthropic `message` objects: content blocks, stop reasons and usage. */
import { GatewayError } from '../../core/errors.ts';
import { isObject, type ChatCompletion, type JsonObject, type Usage } from '../../openai/types.ts';
import type { AnswerContext } from '../types.ts';
import { readAnswer } from './chat-read.ts';

/** Anthropic's `stop_reason` values the gateway writes. */
export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

/**
 * The Anthropic stop reason for a chat finish reason: `length` → `max_tokens`, `tool_calls`
 * (and the legacy `function_call`) → `tool_use`, `content_filter` or a refusal → `refusal`,
 * anything else → `end_turn`. Chat does not say whether `stop` came from a stop sequence, so
 * `stop_sequence` is always null.
 */
export function stopReason(finishReason: string | null, refused: boolean): StopReason {
  if (finishReason === 'length') return 'max_tokens';
  if (finishReason === 'tool_calls' || finishReason === 'function_call') return 'tool_use';
  if (finishReason === 'content_filter' || refused) return 'refusal';
  return 'end_turn';
}

/** Cache-write tokens of a chat usage (`prompt_tokens_details.cache_creation_tokens`), when reported. */
function cacheCreationTokens(usage: Usage): number | undefined {
  const details: unknown = usage.prompt_tokens_details;
  if (!isObject(details)) return undefined;
  return typeof details.cache_creation_tokens === 'number' ? details.cache_creation_tokens : undefined;
}

/**
 * Anthropic usage for a chat usage. Chat's `prompt_tokens` counts every input token, while
 * Anthropic's `input_tokens` excludes cache reads and writes, so those are subtracted and
 * reported as `cache_read_input_tokens` / `cache_creation_input_tokens` when the chat usage
 * has them. No usage → zeros.
 */
export function anthropicUsage(usage: Usage | null | undefined): JsonObject {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const read = usage.prompt_tokens_details?.cached_tokens;
  const written = cacheCreationTokens(usage);
  const out: JsonObject = { input_tokens: Math.max(0, usage.prompt_tokens - (read ?? 0) - (written ?? 0)), output_tokens: usage.completion_tokens };
  if (written !== undefined) out.cache_creation_input_tokens = written;
  if (read !== undefined) out.cache_read_input_tokens = read;
  return out;
}

/** A tool call's arguments as a `tool_use` input object (empty arguments → `{}`). */
export function toolInput(args: string, name: string): JsonObject {
  if (args.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(args);
  } catch {
    input = undefined;
  }
  if (!isObject(input)) {
    throw new GatewayError('upstream_malformed', `The model's arguments for tool '${name}' are not a JSON object, so they cannot be written as a tool_use input.`);
  }
  return input;
}

/** The Anthropic `message` for a chat completion. */
export function chatToMessage(completion: ChatCompletion, ctx: AnswerContext): JsonObject {
  const answer = readAnswer(completion);
  const content: JsonObject[] = [];
  if (answer.text !== '') content.push({ type: 'text', text: answer.text });
  if (answer.refusal !== null) content.push({ type: 'text', text: answer.refusal });
  for (const call of answer.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call.arguments, call.name) });
  return {
    id: `msg_${ctx.requestId}`,
    type: 'message',
    role: 'assistant',
    model: ctx.requestedModel,
    content,
    stop_reason: stopReason(answer.finishReason, answer.refusal !== null),
    stop_sequence: null,
    usage: anthropicUsage(completion.usage),
  };
}
