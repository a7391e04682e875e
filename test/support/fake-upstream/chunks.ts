/** Cuts a reply into OpenAI `chat.completion.chunk` objects, as a streaming provider sends them. */
import type OpenAI from 'openai';
import { argumentsText, contentFor, finishReasonFor, identityFor, toolCallId, usageFor, isRecord } from './shapes.ts';
import type { RequestRecord, StreamOptions, ToolCallSpec } from './types.ts';

type Chunk = OpenAI.ChatCompletionChunk;
type Delta = OpenAI.ChatCompletionChunk.Choice.Delta;
type ToolCallDelta = OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall;

/** The events of one streamed reply, before `[DONE]`. */
export interface ChunkPlan {
  /** Chunks with a choice, in order; the last carries `finish_reason`. */
  readonly chunks: readonly Chunk[];
  /** The final `choices: []` usage chunk, when the stream includes one. */
  readonly usage: Chunk | null;
}

/** Splits text before each word: `'Hello big world'` -> `['Hello', ' big', ' world']`; `''` -> `['']`. */
export function splitContent(text: string): string[] {
  const pieces = text.match(/\s*\S+|\s+$/g);
  return pieces ?? [text];
}

/** Splits text into at most `n` non-empty pieces of near-equal length. */
export function splitFragments(text: string, n: number): string[] {
  if (text.length === 0) return [];
  const size = Math.ceil(text.length / Math.max(1, n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** One call's deltas: its opening delta (index, id, type, name, empty arguments), then argument fragments. */
function toolCallSequence(call: ToolCallSpec, index: number, fragments: number): ToolCallDelta[] {
  const opening: ToolCallDelta = { index, id: toolCallId(call, index), type: 'function', function: { name: call.name, arguments: '' } };
  return [opening, ...splitFragments(argumentsText(call), fragments).map((arguments_) => ({ index, function: { arguments: arguments_ } }))];
}

/** Tool-call deltas in sending order: round-robin across calls, or one call after another. */
function toolCallDeltas(calls: readonly ToolCallSpec[], interleave: boolean, fragments: number): ToolCallDelta[] {
  const sequences = calls.map((call, i) => toolCallSequence(call, i, fragments));
  if (!interleave) return sequences.flat();
  const out: ToolCallDelta[] = [];
  for (let step = 0; sequences.some((s) => step < s.length); step++) {
    for (const s of sequences) {
      const d = s[step];
      if (d) out.push(d);
    }
  }
  return out;
}

/** True when the request asked for the final usage chunk. */
export function wantsUsage(req: RequestRecord): boolean {
  const opts = isRecord(req.body) ? req.body['stream_options'] : undefined;
  return isRecord(opts) && opts['include_usage'] === true;
}

/** The chunks of a streamed reply to `req`. */
export function planChunks(req: RequestRecord, options: StreamOptions): ChunkPlan {
  const ident = identityFor(req, options);
  const calls = options.toolCalls ?? [];
  const content = options.chunks ? options.chunks.join('') : contentFor(req, options);
  const pieces = options.chunks ?? (content === null ? [] : splitContent(content));
  const toolOnly = content === null;

  const deltas: Delta[] = [
    ...pieces.map((piece): Delta => ({ content: piece })),
    ...toolCallDeltas(calls, options.interleave ?? true, options.argumentFragments ?? 3).map((d): Delta => ({ tool_calls: [d] })),
  ];
  const roleDelta: Delta = toolOnly ? { role: 'assistant', content: null } : { role: 'assistant', content: '', refusal: null };
  if ((options.layout ?? 'compact') === 'openai') {
    deltas.unshift(roleDelta);
    deltas.push({});
  } else if (deltas.length === 0) {
    deltas.push(roleDelta);
  } else {
    deltas[0] = { role: 'assistant', ...(toolOnly ? { content: null } : {}), ...deltas[0] };
  }

  const mode = options.usageChunk ?? 'auto';
  const withUsage = mode === 'always' || (mode === 'auto' && wantsUsage(req));
  const finish = finishReasonFor(options);
  const chunks = deltas.map((delta, i): Chunk => ({
    ...ident,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: i === deltas.length - 1 ? finish : null }],
    ...(withUsage ? { usage: null } : {}),
  }));
  const usage: Chunk | null = withUsage
    ? { ...ident, object: 'chat.completion.chunk', choices: [], usage: usageFor(req, content, calls, options.usage) }
    : null;
  return { chunks, usage };
}

/** Copy of a chunk without its `finish_reason` (for streams that stop before the end). */
export function withoutFinish(chunk: Chunk): Chunk {
  return { ...chunk, choices: chunk.choices.map((c) => ({ ...c, finish_reason: null })) };
}
