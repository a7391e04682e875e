/**
 * What Sluice reads from Gemini's answers (`GenerateContentResponse`), in OpenAI terms:
 * candidate parts as text and tool calls, finish reasons, usage, prompt blocks.
 * @module
 */
import { isObject, type JsonObject, type Usage } from '../../openai/types.ts';

/** One function call of a candidate, as Gemini sends it (always whole, never in pieces). */
export interface GeminiCall {
  readonly name: string;
  readonly args: JsonObject;
  /** Gemini's own id of the call, when it gives one. */
  readonly id: string | null;
  /** Gemini 3's opaque `thoughtSignature`, which must come back with the call in the next turn. */
  readonly signature: string | null;
}

/** The parts of one candidate that OpenAI can carry. */
export interface CandidateContent {
  /** Text of the non-thought text parts, joined. */
  readonly text: string;
  readonly calls: readonly GeminiCall[];
}

/** Finish reasons that mean the answer was withheld by a filter (safety, recitation, blocklists, PII). */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);
/** Finish reasons that mean the model failed to produce a valid function call. */
const BAD_CALL = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL']);

/** What a Gemini `finishReason` means for the OpenAI answer. */
export type FinishMeaning = 'stop' | 'length' | 'tool_calls' | 'filtered' | 'bad_call';

/** Maps a `finishReason` (with whether the candidate called functions). Unknown reasons end normally. */
export function finishMeaning(reason: string, hasCalls: boolean): FinishMeaning {
  if (FILTERED.has(reason)) return 'filtered';
  if (BAD_CALL.has(reason)) return 'bad_call';
  if (reason === 'MAX_TOKENS') return 'length';
  return hasCalls ? 'tool_calls' : 'stop';
}

/** The OpenAI `finish_reason` of a meaning (a bad call with some content ends as `stop`). */
export function openaiFinish(meaning: FinishMeaning): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  if (meaning === 'filtered') return 'content_filter';
  if (meaning === 'bad_call') return 'stop';
  return meaning;
}

/** The candidates of an answer (empty when there are none). */
export function candidatesOf(body: JsonObject): JsonObject[] {
  return Array.isArray(body.candidates) ? body.candidates.filter(isObject) : [];
}

/** `promptFeedback.blockReason`, when the prompt was blocked. */
export function blockReasonOf(body: JsonObject): string | null {
  const fb = body.promptFeedback;
  return isObject(fb) && typeof fb.blockReason === 'string' && fb.blockReason !== '' ? fb.blockReason : null;
}

/** A candidate's `finishReason`, null while it is still generating. */
export function finishReasonOf(candidate: JsonObject): string | null {
  return typeof candidate.finishReason === 'string' && candidate.finishReason !== '' ? candidate.finishReason : null;
}

/** Text and function calls of a candidate; thought parts and parts OpenAI has no place for are left out. */
export function contentOf(candidate: JsonObject): CandidateContent {
  const parts = isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
  let text = '';
  const calls: GeminiCall[] = [];
  for (const part of parts) {
    if (!isObject(part) || part.thought === true) continue;
    if (typeof part.text === 'string') text += part.text;
    const fc = part.functionCall;
    if (isObject(fc) && typeof fc.name === 'string') {
      calls.push({
        name: fc.name,
        args: isObject(fc.args) ? fc.args : {},
        id: typeof fc.id === 'string' && fc.id !== '' ? fc.id : null,
        signature: typeof part.thoughtSignature === 'string' ? part.thoughtSignature : null,
      });
    }
  }
  return { text, calls };
}

/** The OpenAI id of the `n`-th call of an answer: Gemini's own id, else `call_<request id>_<n>`. */
export function callId(call: GeminiCall, requestId: string, n: number): string {
  return call.id ?? `call_${requestId}_${n}`;
}

/**
 * A tool call in OpenAI's shape; a thought signature rides along as
 * `extra_content.google.thought_signature` (the field Google's own OpenAI-compatible API uses).
 */
export function toolCallOf(call: GeminiCall, id: string): JsonObject {
  const out: JsonObject = { id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } };
  if (call.signature !== null) out.extra_content = { google: { thought_signature: call.signature } };
  return out;
}

function count(value: JsonObject, key: string): number {
  const n = value[key];
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

/**
 * `usageMetadata` in OpenAI's usage shape. Prompt tokens include tool-use prompt tokens;
 * completion tokens include thinking tokens (as OpenAI counts reasoning tokens), which are
 * also given as `completion_tokens_details.reasoning_tokens`; cached tokens go to
 * `prompt_tokens_details.cached_tokens`.
 */
export function usageOf(value: unknown): Usage | null {
  if (!isObject(value) || (typeof value.promptTokenCount !== 'number' && typeof value.totalTokenCount !== 'number')) return null;
  const prompt = count(value, 'promptTokenCount') + count(value, 'toolUsePromptTokenCount');
  const completion = count(value, 'candidatesTokenCount') + count(value, 'thoughtsTokenCount');
  const total = typeof value.totalTokenCount === 'number' ? value.totalTokenCount : prompt + completion;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    ...(typeof value.cachedContentTokenCount === 'number' ? { prompt_tokens_details: { cached_tokens: value.cachedContentTokenCount } } : {}),
    ...(typeof value.thoughtsTokenCount === 'number' ? { completion_tokens_details: { reasoning_tokens: value.thoughtsTokenCount } } : {}),
  };
}
