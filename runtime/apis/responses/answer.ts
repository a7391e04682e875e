/** Canonical chat answers → OpenAI `response` objects: output items, status and usage; the item builders the stream shares. */
import { isObject, type ChatCompletion, type JsonObject, type Usage } from '../../openai/types.ts';
import { readAnswer } from '../messages/chat-read.ts';
import type { AnswerContext } from '../types.ts';
import { merged } from '../../merged.ts';

/** A response's `status` with its `incomplete_details`. */
export interface ResponseStatus {
  readonly status: 'completed' | 'incomplete';
  readonly incomplete_details: { readonly reason: 'max_output_tokens' | 'content_filter' } | null;
}

/** One content part of an output message. */
export interface MessagePart {
  readonly kind: 'output_text' | 'refusal';
  readonly text: string;
}

/** `length` → incomplete (`max_output_tokens`), `content_filter` → incomplete (`content_filter`), anything else → completed. */
export function responseStatus(finishReason: string | null): ResponseStatus {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** The id of the `n`th message item of a response (`msg_<request id>`, then `msg_<request id>_<n>`). */
export function messageItemId(ctx: AnswerContext, n: number): string {
  return n === 0 ? `msg_${ctx.requestId}` : `msg_${ctx.requestId}_${n}`;
}

/** The item id of the chat tool call at `index` (`fc_<request id>_<index>`); its `call_id` is the tool call's own id. */
export function callItemId(ctx: AnswerContext, index: number): string {
  return `fc_${ctx.requestId}_${index}`;
}

/** A content part as the API writes it. */
export function contentPart(part: MessagePart): JsonObject {
  return part.kind === 'output_text' ? { type: 'output_text', text: part.text, annotations: [] } : { type: 'refusal', refusal: part.text };
}

/** An output `message` item. */
export function messageItem(id: string, parts: readonly MessagePart[], status: string): JsonObject {
  return { id, type: 'message', status, role: 'assistant', content: parts.map(contentPart) };
}

/** An output `function_call` item. */
export function functionCallItem(id: string, callId: string, name: string, args: string, status: string): JsonObject {
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name };
}

/**
 * Responses usage for a chat usage: `input_tokens` (cache reads included, as in chat) with
 * `cached_tokens`, plus `cache_write_tokens` when the chat usage reports
 * `prompt_tokens_details.cache_creation_tokens`; `output_tokens` with `reasoning_tokens`.
 */
export function responsesUsage(usage: Usage): JsonObject {
  const details: unknown = usage.prompt_tokens_details;
  const input: JsonObject = { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 };
  if (isObject(details) && typeof details.cache_creation_tokens === 'number') input.cache_write_tokens = details.cache_creation_tokens;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: input,
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}

/** The fields every `response` object has, here with no output yet. */
export function baseResponse(ctx: AnswerContext, status: string): JsonObject {
  return {
    id: `resp_${ctx.requestId}`,
    object: 'response',
    created_at: ctx.created,
    status,
    error: null,
    incomplete_details: null,
    model: ctx.requestedModel,
    output: [],
    usage: null,
  };
}

/** The `response` for a chat completion: a message item (text, refusal), then one function_call item per tool call. */
export function chatToResponse(completion: ChatCompletion, ctx: AnswerContext): JsonObject {
  const answer = readAnswer(completion);
  const { status, incomplete_details } = responseStatus(answer.finishReason);
  const parts: MessagePart[] = [];
  if (answer.text !== '') parts.push({ kind: 'output_text', text: answer.text });
  if (answer.refusal !== null) parts.push({ kind: 'refusal', text: answer.refusal });
  const output: JsonObject[] = [];
  if (parts.length > 0) output.push(messageItem(messageItemId(ctx, 0), parts, status));
  answer.toolCalls.forEach((call, i) => output.push(functionCallItem(callItemId(ctx, i), call.id, call.name, call.arguments, status)));
  const response: JsonObject = merged(baseResponse(ctx, status), { incomplete_details, output });
  if (completion.usage) response.usage = responsesUsage(completion.usage);
  return response;
}
