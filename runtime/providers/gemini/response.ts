/**
 * Gemini `generateContent` answers to OpenAI chat completions: candidates to choices,
 * function calls to tool calls, finish reasons, usage; blocked prompts and answers withheld
 * before any content become `content_filtered` Failures so the route decides.
 * @module
 */
import { isObject, type ChatCompletion, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderGemini } from '../../plan.ts';
import type { CallInput, ParsedResponse } from '../types.ts';
import { answerFiltered, badFunctionCall, failureOfGoogle, googleErrorOf, malformed, promptBlocked } from './errors.ts';
import { blockReasonOf, callId, candidatesOf, contentOf, finishMeaning, finishReasonOf, openaiFinish, toolCallOf, usageOf, type FinishMeaning } from './wire.ts';

interface Choice {
  readonly value: JsonObject;
  /** The candidate had no content and ended for this reason (filtered, bad call), else null. */
  readonly empty: FinishMeaning | null;
  readonly reason: string;
}

/** Parses a `GenerateContentResponse` into a chat completion. */
export function chatResponse(body: unknown, input: CallInput<PlanProviderGemini>): ParsedResponse<ChatCompletion> {
  const err = googleErrorOf(body);
  if (err) return { ok: false, failure: failureOfGoogle(err, null, { maybeAccepted: true }) };
  if (!isObject(body)) return { ok: false, failure: malformed('Gemini answered with an unexpected body.') };
  const blocked = blockReasonOf(body);
  if (blocked !== null) return { ok: false, failure: promptBlocked(blocked) };
  const candidates = candidatesOf(body);
  if (candidates.length === 0) return { ok: false, failure: malformed('Gemini answered without any candidate.') };
  let calls = 0;
  const choices = candidates
    .map((c, i) => ({ c, index: typeof c.index === 'number' ? c.index : i }))
    .sort((a, b) => a.index - b.index)
    .map(({ c, index }): Choice => {
      const { text, calls: fcs } = contentOf(c);
      const reason = finishReasonOf(c) ?? 'STOP';
      const meaning = finishMeaning(reason, fcs.length > 0);
      const empty = text === '' && fcs.length === 0 && (meaning === 'filtered' || meaning === 'bad_call') ? meaning : null;
      const message: JsonObject = { role: 'assistant', content: text !== '' ? text : fcs.length > 0 || empty !== null ? null : '' };
      if (fcs.length > 0) message.tool_calls = fcs.map((fc) => toolCallOf(fc, callId(fc, input.requestId, calls++)));
      return { value: { index, message, logprobs: null, finish_reason: openaiFinish(meaning) }, empty, reason };
    });
  // Every candidate withheld before any content: the route decides (fall back, or tell the client).
  if (choices.every((c) => c.empty === 'filtered')) return { ok: false, failure: answerFiltered(choices[0]!.reason, false) };
  if (choices.every((c) => c.empty !== null)) return { ok: false, failure: badFunctionCall(choices[0]!.reason) };
  const usage = usageOf(body.usageMetadata);
  const value: ChatCompletion = {
    id: `chatcmpl-${input.requestId}`,
    object: 'chat.completion',
    created: input.created,
    model: typeof body.modelVersion === 'string' && body.modelVersion !== '' ? body.modelVersion : input.model,
    choices: choices.map((c) => c.value),
    ...(usage !== null ? { usage } : {}),
  };
  return { ok: true, value, usage };
}
