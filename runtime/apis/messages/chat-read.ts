/** Reading canonical chat answers and stream chunks (first choice only), tolerant of the shapes providers produce. */
import { isObject, type ChatChunk, type ChatCompletion, type JsonObject } from '../../openai/types.ts';

/** One tool call of a chat answer. */
export interface ReadToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** The first choice of a chat answer. */
export interface ReadAnswer {
  readonly text: string;
  readonly refusal: string | null;
  readonly toolCalls: readonly ReadToolCall[];
  readonly finishReason: string | null;
}

/** A tool-call fragment of a stream chunk; `index` says which call it belongs to. */
export interface ReadToolDelta {
  readonly index: number;
  readonly id: string | null;
  readonly name: string | null;
  readonly arguments: string;
}

/** What one stream chunk adds to the first choice. */
export interface ReadDelta {
  readonly text: string;
  readonly refusal: string;
  readonly toolCalls: readonly ReadToolDelta[];
  readonly finishReason: string | null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Text of a message content: a string, or the text of its text parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: unknown) => (isObject(p) && (p.type === 'text' || p.type === 'output_text') ? str(p.text) : '')).join('');
}

function firstChoice(choices: readonly unknown[] | undefined): JsonObject | null {
  if (!choices) return null;
  const all = choices.filter(isObject);
  return all.find((c) => c.index === 0 || c.index === undefined) ?? all[0] ?? null;
}

/** The first choice of a chat completion (empty when it has none). */
export function readAnswer(completion: ChatCompletion): ReadAnswer {
  const choice = firstChoice(completion.choices);
  const message = choice && isObject(choice.message) ? choice.message : {};
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : [];
  return {
    text: contentText(message.content),
    refusal: typeof message.refusal === 'string' && message.refusal !== '' ? message.refusal : null,
    toolCalls: calls.map((c) => {
      const fn = isObject(c.function) ? c.function : {};
      return { id: str(c.id), name: str(fn.name), arguments: str(fn.arguments) };
    }),
    finishReason: choice && typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
  };
}

/** What a stream chunk adds to the first choice; null when it has no choice (a usage-only chunk). */
export function readDelta(chunk: ChatChunk): ReadDelta | null {
  const choice = firstChoice(chunk.choices);
  if (!choice) return null;
  const delta = isObject(choice.delta) ? choice.delta : {};
  const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls.filter(isObject) : [];
  return {
    text: contentText(delta.content),
    refusal: str(delta.refusal),
    toolCalls: calls.map((c, i) => {
      const fn = isObject(c.function) ? c.function : {};
      return {
        index: typeof c.index === 'number' ? c.index : i,
        id: typeof c.id === 'string' && c.id !== '' ? c.id : null,
        name: typeof fn.name === 'string' && fn.name !== '' ? fn.name : null,
        arguments: str(fn.arguments),
      };
    }),
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
  };
}
