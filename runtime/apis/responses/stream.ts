/**
 * Canonical chat chunks → OpenAI Responses stream events, each with an increasing
 * `sequence_number`: `response.created`, `response.in_progress`, per item
 * `output_item.added` / `content_part.added` / deltas / `.done`, then `response.completed`
 * (or `response.incomplete` after a length or content-filter finish) with the whole response.
 * The text message closes when tool calls begin; function calls stay open until the finish,
 * so their argument fragments may interleave (events name their item).
 * @module
 */
import type { ChatChunk, JsonObject, Usage } from '../../openai/types.ts';
import type { OutChunk } from '../../providers/types.ts';
import { encodeSse } from '../../sse/encoder.ts';
import type { SseEvent } from '../../sse/types.ts';
import { readDelta, type ReadToolDelta } from '../messages/chat-read.ts';
import type { AnswerContext, ClientError, StreamEncoder } from '../types.ts';
import {
  baseResponse,
  callItemId,
  contentPart,
  functionCallItem,
  messageItem,
  messageItemId,
  responseStatus,
  responsesUsage,
  type MessagePart,
} from './answer.ts';
import { failedResponseError } from './errors.ts';
import { merged } from '../../merged.ts';

/** An output message as it streams. */
interface MessageState {
  readonly kind: 'message';
  readonly id: string;
  readonly outputIndex: number;
  readonly parts: { readonly kind: MessagePart['kind']; text: string }[];
  partOpen: boolean;
  /** Set when the item is done. */
  status: string | null;
}

/** A function call as it streams; it gets an output index once its id and name are known. */
interface CallState {
  readonly kind: 'call';
  readonly index: number;
  id: string;
  outputIndex: number;
  callId: string | null;
  name: string | null;
  args: string;
  sent: number;
  added: boolean;
  status: string | null;
}

type Item = MessageState | CallState;

/** The encoder state of one stream. */
class ResponsesStream implements StreamEncoder {
  private seq = 0;
  private started = false;
  private readonly items: Item[] = [];
  private readonly calls = new Map<number, CallState>();
  private message: MessageState | null = null;
  private messages = 0;
  private finishReason: string | null = null;
  private usage: Usage | null = null;

  constructor(private readonly ctx: AnswerContext) {}

  chunks(chunks: readonly OutChunk[]): string {
    let out = this.start();
    for (const { chunk } of chunks) out += this.chunk(chunk);
    return out;
  }

  events(events: readonly SseEvent[]): string {
    return events.map((e) => encodeSse(e)).join('');
  }

  done(usage: Usage | null): string {
    const out = this.start() + this.closeAll();
    const { status, incomplete_details } = responseStatus(this.finishReason);
    const final = usage ?? this.usage;
    const response = merged(baseResponse(this.ctx, status), { incomplete_details, output: this.output(), usage: final ? responsesUsage(final) : null });
    return out + this.emit(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  /** `response.failed`: the response so far, `status: 'failed'` and `error: {code, message}`; unfinished items are `incomplete`. */
  error(e: ClientError): string {
    const response = merged(baseResponse(this.ctx, 'failed'), { error: failedResponseError(e), output: this.output() });
    return this.start() + this.emit('response.failed', { response });
  }

  private emit(type: string, fields: JsonObject): string {
    return encodeSse({ event: type, data: JSON.stringify({ type, ...fields, sequence_number: this.seq++ }) });
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = baseResponse(this.ctx, 'in_progress');
    return this.emit('response.created', { response }) + this.emit('response.in_progress', { response });
  }

  private chunk(chunk: ChatChunk): string {
    if (chunk.usage) this.usage = chunk.usage;
    const delta = readDelta(chunk);
    if (!delta) return '';
    let out = '';
    if (delta.text !== '') out += this.text('output_text', delta.text);
    if (delta.refusal !== '') out += this.text('refusal', delta.refusal);
    for (const call of delta.toolCalls) out += this.tool(call);
    if (delta.finishReason !== null) {
      this.finishReason = delta.finishReason;
      out += this.closeAll();
    }
    return out;
  }

  private text(kind: MessagePart['kind'], text: string): string {
    let out = '';
    let m = this.message;
    if (!m) {
      m = { kind: 'message', id: messageItemId(this.ctx, this.messages++), outputIndex: this.items.length, parts: [], partOpen: false, status: null };
      this.items.push(m);
      this.message = m;
      out += this.emit('response.output_item.added', { output_index: m.outputIndex, item: messageItem(m.id, [], 'in_progress') });
    }
    if (m.partOpen && m.parts.at(-1)?.kind !== kind) out += this.closePart(m);
    if (!m.partOpen) {
      m.parts.push({ kind, text: '' });
      m.partOpen = true;
      out += this.emit('response.content_part.added', merged(this.at(m), { part: contentPart({ kind, text: '' }) }));
    }
    const part = m.parts.at(-1);
    if (part) part.text += text;
    if (kind === 'output_text') return out + this.emit('response.output_text.delta', merged(this.at(m), { delta: text, logprobs: [] }));
    return out + this.emit('response.refusal.delta', merged(this.at(m), { delta: text }));
  }

  /** `item_id`, `output_index` and `content_index` of the message's last part. */
  private at(m: MessageState): JsonObject {
    return { item_id: m.id, output_index: m.outputIndex, content_index: m.parts.length - 1 };
  }

  private closePart(m: MessageState): string {
    const part = m.parts.at(-1);
    m.partOpen = false;
    if (!part) return '';
    const done =
      part.kind === 'output_text'
        ? this.emit('response.output_text.done', merged(this.at(m), { text: part.text, logprobs: [] }))
        : this.emit('response.refusal.done', merged(this.at(m), { refusal: part.text }));
    return done + this.emit('response.content_part.done', merged(this.at(m), { part: contentPart(part) }));
  }

  private closeMessage(status: string): string {
    const m = this.message;
    if (!m) return '';
    this.message = null;
    m.status = status;
    const out = m.partOpen ? this.closePart(m) : '';
    return out + this.emit('response.output_item.done', { output_index: m.outputIndex, item: messageItem(m.id, m.parts, status) });
  }

  private tool(delta: ReadToolDelta): string {
    let c = this.calls.get(delta.index);
    if (!c) {
      c = { kind: 'call', index: delta.index, id: callItemId(this.ctx, delta.index), outputIndex: -1, callId: null, name: null, args: '', sent: 0, added: false, status: null };
      this.calls.set(delta.index, c);
    }
    if (c.status !== null) return '';
    c.callId ??= delta.id;
    c.name ??= delta.name;
    c.args += delta.arguments;
    let out = this.closeMessage('completed');
    if (!c.added && c.callId !== null && c.name !== null) out += this.add(c);
    return out + this.argsDelta(c);
  }

  private add(c: CallState): string {
    c.added = true;
    c.outputIndex = this.items.length;
    this.items.push(c);
    return this.emit('response.output_item.added', { output_index: c.outputIndex, item: functionCallItem(c.id, c.callId ?? '', c.name ?? '', '', 'in_progress') });
  }

  private argsDelta(c: CallState): string {
    if (!c.added || c.sent === c.args.length) return '';
    const delta = c.args.slice(c.sent);
    c.sent = c.args.length;
    return this.emit('response.function_call_arguments.delta', { item_id: c.id, output_index: c.outputIndex, delta });
  }

  /** Closes the message and every function call (output order; calls never announced are added first). */
  private closeAll(): string {
    const status = responseStatus(this.finishReason).status;
    let out = this.closeMessage(status);
    const waiting = [...this.calls.values()].filter((c) => !c.added).sort((a, b) => a.index - b.index);
    for (const c of waiting) {
      c.callId ??= `call_${this.ctx.requestId}_${c.index}`;
      c.name ??= '';
      out += this.add(c);
    }
    for (const item of this.items) {
      if (item.kind !== 'call' || item.status !== null) continue;
      item.status = status;
      out += this.argsDelta(item);
      out += this.emit('response.function_call_arguments.done', { item_id: item.id, output_index: item.outputIndex, arguments: item.args });
      out += this.emit('response.output_item.done', { output_index: item.outputIndex, item: this.final(item) });
    }
    return out;
  }

  private final(item: Item): JsonObject {
    const status = item.status ?? 'incomplete';
    if (item.kind === 'message') return messageItem(item.id, item.parts, status);
    return functionCallItem(item.id, item.callId ?? '', item.name ?? '', item.args, status);
  }

  private output(): JsonObject[] {
    return this.items.map((item) => this.final(item));
  }
}

/** A new OpenAI Responses stream encoder for one stream. */
export function responsesStreamEncoder(ctx: AnswerContext): StreamEncoder {
  return new ResponsesStream(ctx);
}
