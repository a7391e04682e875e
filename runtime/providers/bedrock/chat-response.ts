/** Converse answer → OpenAI `chat.completion` (text, tool calls, finish reason, usage); an answer filtered to nothing is a failure. */
import { isObject, type ChatCompletion, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderBedrock } from '../../plan.ts';
import { failure } from '../../routing/failure.ts';
import type { CallInput, ParsedResponse } from '../types.ts';
import { finishOf, usageOf } from './usage.ts';

/** The client's id for an answer: Bedrock answers carry none. */
export function completionId(input: CallInput<PlanProviderBedrock>): string {
  return `chatcmpl-${input.requestId}`;
}

/** The failure for an answer Bedrock filtered away entirely. */
export function filteredFailure(stopReason: string): ReturnType<typeof failure> {
  return failure('content_filtered', 'content_filter', `Bedrock blocked the content (stop reason ${stopReason}).`, { source: 'provider', maybeAccepted: true });
}

/** The failure for an answer that is not a Converse answer, or whose model output was unusable. */
export function malformed(why: string): ReturnType<typeof failure> {
  return failure('server', 'upstream_malformed', why, { maybeAccepted: true });
}

function toolCall(block: JsonObject): JsonObject | null {
  const use = block.toolUse;
  if (!isObject(use) || typeof use.toolUseId !== 'string' || typeof use.name !== 'string') return null;
  return { id: use.toolUseId, type: 'function', function: { name: use.name, arguments: JSON.stringify(use.input ?? {}) } };
}

/** Parses a Converse answer. */
export function chatResponse(body: unknown, input: CallInput<PlanProviderBedrock>): ParsedResponse<ChatCompletion> {
  const message = isObject(body) && isObject(body.output) ? body.output.message : undefined;
  if (!isObject(body) || !isObject(message) || !Array.isArray(message.content)) {
    return { ok: false, failure: malformed('Bedrock answered with an unexpected body.') };
  }
  let text = '';
  const calls: JsonObject[] = [];
  for (const block of message.content) {
    if (!isObject(block)) continue;
    if (typeof block.text === 'string') text += block.text;
    const call = toolCall(block);
    if (call) calls.push(call);
  }
  const finish = finishOf(body.stopReason);
  if (finish === 'malformed') return { ok: false, failure: malformed(`Bedrock could not use the model's output (stop reason ${String(body.stopReason)}).`) };
  if (finish === 'content_filter' && text === '' && calls.length === 0) return { ok: false, failure: filteredFailure(String(body.stopReason)) };
  const usage = usageOf(body.usage);
  const reply: JsonObject = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text, refusal: null };
  if (calls.length > 0) reply.tool_calls = calls;
  const completion: ChatCompletion = {
    id: completionId(input),
    object: 'chat.completion',
    created: input.created,
    model: input.model,
    choices: [{ index: 0, message: reply, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
  return { ok: true, value: completion, usage };
}
