/**
 * Messages API stream events to OpenAI `chat.completion.chunk`s. The role rides on the first
 * chunk with content, so an `error` event before any content fails the attempt (and lets
 * the pipeline fall back) instead of committing an empty stream.
 * @module
 */
import { isObject, type ChatChunk, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderAnthropic } from '../../plan.ts';
import type { SseEvent } from '../../sse/types.ts';
import { clientWantsUsage } from '../openai/chat.ts';
import type { CallInput, OutChunk, StreamStep, StreamTranslator } from '../types.ts';
import { malformed, streamFailure } from './errors.ts';
import { finishReason } from './response.ts';
import { eventData, mergeUsage, type AnthropicUsage } from './wire.ts';

const IGNORE: StreamStep = { kind: 'ignore' };

/** A tool call being streamed: its OpenAI index, and input given whole in `content_block_start`. */
interface OpenCall {
  readonly index: number;
  readonly startInput: string | null;
  sawDelta: boolean;
}

class ChatStream implements StreamTranslator {
  readonly #created: number;
  readonly #showUsage: boolean;
  #id: string;
  #model: string;
  #startUsage: JsonObject | null = null;
  #roleSent = false;
  #finished = false;
  #stopped = false;
  /** Tool calls by Anthropic block index; OpenAI indexes count tool_use blocks only. */
  readonly #calls = new Map<number, OpenCall>();

  constructor(input: CallInput<PlanProviderAnthropic>) {
    this.#created = input.created;
    this.#showUsage = clientWantsUsage(input.body);
    this.#id = `chatcmpl-${input.requestId}`;
    this.#model = input.model;
  }

  next(event: SseEvent): StreamStep {
    if (this.#stopped) return { kind: 'done' };
    const data = eventData(event.data);
    if (!data) return { kind: 'error', failure: malformed('a stream event that is not a JSON object') };
    const type = typeof data.type === 'string' ? data.type : event.event;
    switch (type) {
      case 'message_start':
        return this.#start(data);
      case 'content_block_start':
        return this.#blockStart(data);
      case 'content_block_delta':
        return this.#blockDelta(data);
      case 'content_block_stop':
        return this.#blockStop(data);
      case 'message_delta':
        return this.#messageDelta(data);
      case 'message_stop':
        this.#stopped = true;
        // A stream that never said why it stopped still ends with a finish reason (then `done` at its end).
        return this.#finished ? { kind: 'done' } : this.#finish(null, null);
      case 'error':
        return { kind: 'error', failure: streamFailure(data) };
      default:
        // `ping`, and event types added later (the docs ask clients to ignore unknown ones).
        return IGNORE;
    }
  }

  #start(data: JsonObject): StreamStep {
    const m = isObject(data.message) ? data.message : {};
    if (typeof m.id === 'string') this.#id = m.id;
    if (typeof m.model === 'string') this.#model = m.model;
    this.#startUsage = isObject(m.usage) ? m.usage : null;
    return IGNORE;
  }

  #blockStart(data: JsonObject): StreamStep {
    const block = isObject(data.content_block) ? data.content_block : {};
    if (block.type === 'text') return typeof block.text === 'string' && block.text !== '' ? this.#emit([this.#chunk({ content: block.text })]) : IGNORE;
    if (block.type !== 'tool_use' || typeof data.index !== 'number') return IGNORE;
    const index = this.#calls.size;
    const given = isObject(block.input) && Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : null;
    this.#calls.set(data.index, { index, startInput: given, sawDelta: false });
    const tool_calls = [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }];
    return this.#emit([this.#chunk(this.#roleSent ? { tool_calls } : { content: null, tool_calls })]);
  }

  #blockDelta(data: JsonObject): StreamStep {
    const delta = isObject(data.delta) ? data.delta : {};
    if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') return this.#emit([this.#chunk({ content: delta.text })]);
    if (delta.type !== 'input_json_delta' || typeof delta.partial_json !== 'string') return IGNORE;
    const call = typeof data.index === 'number' ? this.#calls.get(data.index) : undefined;
    if (!call || delta.partial_json === '') return IGNORE;
    call.sawDelta = true;
    return this.#emit([this.#arguments(call.index, delta.partial_json)]);
  }

  #blockStop(data: JsonObject): StreamStep {
    const call = typeof data.index === 'number' ? this.#calls.get(data.index) : undefined;
    if (!call || call.sawDelta || call.startInput === null) return IGNORE;
    return this.#emit([this.#arguments(call.index, call.startInput)]);
  }

  /** The first `message_delta` with a stop reason finishes the choice; later ones only update usage. */
  #messageDelta(data: JsonObject): StreamStep {
    const delta = isObject(data.delta) ? data.delta : {};
    const usage = mergeUsage(this.#startUsage, data.usage);
    if (this.#finished || typeof delta.stop_reason !== 'string') return { kind: 'chunks', chunks: [], usage };
    return this.#finish(delta.stop_reason, usage);
  }

  /** The finish chunk, and the usage chunk when the client asked for one. */
  #finish(stopReason: string | null, usage: AnthropicUsage | null): StreamStep {
    this.#finished = true;
    const chunks = [this.#chunk(this.#roleSent ? {} : { content: '' }, finishReason(stopReason))];
    if (this.#showUsage && usage) chunks.push({ id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [], usage });
    return { kind: 'chunks', chunks: chunks.map((chunk) => ({ chunk, raw: null })), usage };
  }

  #arguments(index: number, fragment: string): ChatChunk {
    return this.#chunk({ tool_calls: [{ index, function: { arguments: fragment } }] });
  }

  /** A one-choice chunk; the first one of the stream carries the role. */
  #chunk(delta: JsonObject, finish: string | null = null): ChatChunk {
    const withRole = this.#roleSent ? delta : { role: 'assistant', ...delta };
    this.#roleSent = true;
    const choice: JsonObject = { index: 0, delta: withRole, logprobs: null, finish_reason: finish };
    return { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [choice] };
  }

  #emit(chunks: readonly ChatChunk[]): StreamStep {
    return { kind: 'chunks', chunks: chunks.map((chunk): OutChunk => ({ chunk, raw: null })), usage: null };
  }
}

/** A translator for one chat completions stream. */
export function chatStream(input: CallInput<PlanProviderAnthropic>): StreamTranslator {
  return new ChatStream(input);
}
