/** ConverseStream events (SSE written by the transport) → OpenAI chat chunks. */
import { isObject, type ChatChunk, type JsonObject, type Usage } from '../../openai/types.ts';
import type { PlanProviderBedrock } from '../../plan.ts';
import type { SseEvent } from '../../sse/types.ts';
import { clientWantsUsage } from '../openai/chat.ts';
import type { CallInput, StreamStep, StreamTranslator } from '../types.ts';
import { completionId, filteredFailure, malformed } from './chat-response.ts';
import { EXCEPTION_STATUS, exceptionFailure } from './errors.ts';
import { finishOf, usageOf } from './usage.ts';
import { merged } from '../../merged.ts';

const IGNORE: StreamStep = { kind: 'ignore' };

/** `throttlingException` → `ThrottlingException`. */
function exceptionName(member: string): string {
  return member.charAt(0).toUpperCase() + member.slice(1);
}

/**
 * A translator for one ConverseStream. The role rides on the first chunk with content, so an
 * exception before any content (the first event) fails the attempt and the pipeline can fall
 * back. Tool calls are numbered 0, 1… as their blocks start (content block indexes count text
 * blocks too); the first delta of each carries id and name, later ones argument fragments.
 * `messageStop` gives the finish chunk, the `metadata` event after it the usage (a usage-only
 * chunk only when the client asked). No step is `done`: the body ends after `metadata`, and a
 * body that ends after a finish reason is a normal end.
 */
export function chatStream(input: CallInput<PlanProviderBedrock>): StreamTranslator {
  const showUsage = clientWantsUsage(input.body);
  const base = { id: completionId(input), object: 'chat.completion.chunk', created: input.created, model: input.model };
  const toolIndex = new Map<number, number>();
  let started = false;
  const chunk = (delta: JsonObject, finish: string | null): StreamStep => {
    const first = !started;
    started = true;
    const d = first ? { role: 'assistant', ...delta } : delta;
    const choice: JsonObject = { index: 0, delta: d, logprobs: null, finish_reason: finish };
    const c: ChatChunk = merged(base, { choices: [choice] });
    return { kind: 'chunks', chunks: [{ chunk: c, raw: null }], usage: null };
  };
  const usageStep = (usage: Usage | null): StreamStep => {
    if (!usage || !showUsage) return { kind: 'chunks', chunks: [], usage };
    return { kind: 'chunks', chunks: [{ chunk: merged(base, { choices: [], usage }), raw: null }], usage };
  };
  return {
    next(event: SseEvent): StreamStep {
      const name = event.event ?? '';
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return { kind: 'error', failure: malformed('Bedrock sent a stream event that is not JSON.') };
      }
      if (!isObject(data)) return IGNORE;
      if (/Exception$/.test(name)) {
        const exception = exceptionName(name);
        const message = typeof data.message === 'string' ? data.message : `Bedrock reported ${exception} in the stream.`;
        return { kind: 'error', failure: exceptionFailure(exception, message, EXCEPTION_STATUS[exception] ?? null, { maybeAccepted: true }) };
      }
      const block = typeof data.contentBlockIndex === 'number' ? data.contentBlockIndex : -1;
      switch (name) {
        case 'contentBlockStart': {
          const use = isObject(data.start) ? data.start.toolUse : undefined;
          if (!isObject(use)) return IGNORE;
          const index = toolIndex.size;
          toolIndex.set(block, index);
          const call = { index, id: use.toolUseId, type: 'function', function: { name: use.name, arguments: '' } };
          return chunk(started ? { tool_calls: [call] } : { content: null, tool_calls: [call] }, null);
        }
        case 'contentBlockDelta': {
          const delta = isObject(data.delta) ? data.delta : {};
          if (typeof delta.text === 'string') return delta.text === '' ? IGNORE : chunk({ content: delta.text }, null);
          if (isObject(delta.toolUse) && typeof delta.toolUse.input === 'string') {
            const index = toolIndex.get(block);
            if (index === undefined) return { kind: 'error', failure: malformed('Bedrock streamed tool input for a block it never started.') };
            return chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] }, null);
          }
          return IGNORE;
        }
        case 'messageStop': {
          const finish = finishOf(data.stopReason);
          if (finish === 'malformed') return { kind: 'error', failure: malformed(`Bedrock could not use the model's output (stop reason ${String(data.stopReason)}).`) };
          if (finish === 'content_filter' && !started) return { kind: 'error', failure: filteredFailure(String(data.stopReason)) };
          return chunk(started ? {} : { content: '' }, finish);
        }
        case 'metadata':
          return usageStep(usageOf(data.usage));
        default:
          return IGNORE;
      }
    },
  };
}
