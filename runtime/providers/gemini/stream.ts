/**
 * Gemini `streamGenerateContent?alt=sse` events (each a whole GenerateContentResponse) to
 * OpenAI chunks. Text deltas become content chunks; each function call arrives whole and
 * becomes one tool-call delta (index, id, name, arguments); the event with `finishReason`
 * gets the chunk with `finish_reason`. There is no `[DONE]`: the body's end after that chunk
 * is the end (the relay finishes a stream whose body ends after a finish reason).
 * @module
 */
import { isObject, type ChatChunk, type JsonObject, type Usage } from '../../openai/types.ts';
import type { PlanProviderGemini } from '../../plan.ts';
import type { SseEvent } from '../../sse/types.ts';
import type { CallInput, OutChunk, StreamStep, StreamTranslator } from '../types.ts';
import { answerFiltered, badFunctionCall, failureOfGoogle, googleErrorOf, malformed, promptBlocked } from './errors.ts';
import { blockReasonOf, callId, candidatesOf, contentOf, finishMeaning, finishReasonOf, openaiFinish, toolCallOf, usageOf } from './wire.ts';

/** True when the client asked for the usage chunk. */
function clientWantsUsage(body: JsonObject): boolean {
  return isObject(body.stream_options) && body.stream_options.include_usage === true;
}

/**
 * A translator for one stream. Only the first candidate is read (`n` above 1 is refused for
 * streams). Events after the one with `finishReason` are not expected from current models;
 * their usage still counts and any content they carry is passed on, never dropped.
 */
export function chatStream(input: CallInput<PlanProviderGemini>): StreamTranslator {
  const id = `chatcmpl-${input.requestId}`;
  const showUsage = clientWantsUsage(input.body);
  let model = input.model;
  let started = false;
  let calls = 0;
  let emitted = false;
  let finished = false;
  let usage: Usage | null = null;

  const chunk = (delta: JsonObject, finish: string | null): ChatChunk => {
    const choice: JsonObject = { index: 0, delta, logprobs: null, finish_reason: finish };
    return { id, object: 'chat.completion.chunk', created: input.created, model, choices: [choice] };
  };

  return {
    next(event: SseEvent): StreamStep {
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        return { kind: 'error', failure: malformed('Gemini sent a stream event that is not JSON.') };
      }
      const err = googleErrorOf(parsed);
      if (err) return { kind: 'error', failure: failureOfGoogle(err, null, { maybeAccepted: true }) };
      if (!isObject(parsed)) return { kind: 'ignore' };
      if (typeof parsed.modelVersion === 'string' && parsed.modelVersion !== '') model = parsed.modelVersion;
      usage = usageOf(parsed.usageMetadata) ?? usage;
      const blocked = blockReasonOf(parsed);
      if (blocked !== null) return { kind: 'error', failure: promptBlocked(blocked) };
      const candidate = candidatesOf(parsed)[0];
      if (candidate === undefined) return { kind: 'chunks', chunks: [], usage };
      const { text, calls: fcs } = contentOf(candidate);
      const reason = finished ? null : finishReasonOf(candidate);
      const meaning = reason === null ? null : finishMeaning(reason, calls + fcs.length > 0);
      if (meaning === 'filtered') return { kind: 'error', failure: answerFiltered(reason!, emitted) };
      if (meaning === 'bad_call' && !emitted && text === '' && fcs.length === 0) return { kind: 'error', failure: badFunctionCall(reason!) };

      const delta: JsonObject = {};
      if (!started) delta.role = 'assistant';
      if (text !== '') delta.content = text;
      else if (!started) delta.content = fcs.length > 0 ? null : '';
      if (fcs.length > 0) {
        delta.tool_calls = fcs.map((fc) => {
          const n = calls++;
          return { index: n, ...toolCallOf(fc, callId(fc, input.requestId, n)) };
        });
      }
      const hasContent = text !== '' || fcs.length > 0;
      if (!hasContent && meaning === null) return { kind: 'chunks', chunks: [], usage };
      started = true;
      emitted ||= hasContent;
      const out: OutChunk[] = [{ chunk: chunk(delta, meaning === null ? null : openaiFinish(meaning)), raw: null }];
      if (meaning !== null) {
        finished = true;
        if (showUsage && usage !== null) out.push({ chunk: { id, object: 'chat.completion.chunk', created: input.created, model, choices: [], usage }, raw: null });
      }
      return { kind: 'chunks', chunks: out, usage };
    },
  };
}
