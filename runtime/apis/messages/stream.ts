/**
 * Canonical chat chunks → Anthropic Messages stream events. Blocks are strictly sequential
 * (start, deltas, stop, then the next), as Anthropic sends them and as clients accumulate them:
 * text streams live; the lowest-index tool call streams live once tools begin; the other tool
 * calls (whose fragments may interleave) are held and written, in index order, at the finish.
 * @module
 */
import type { ChatChunk, JsonObject, Usage } from '../../openai/types.ts';
import type { OutChunk } from '../../providers/types.ts';
import { encodeSse } from '../../sse/encoder.ts';
import type { SseEvent } from '../../sse/types.ts';
import type { AnswerContext, ClientError, StreamEncoder } from '../types.ts';
import { anthropicUsage, stopReason } from './answer.ts';
import { readDelta, type ReadToolDelta } from './chat-read.ts';
import { messagesErrorEvent } from './errors.ts';

/** One tool call as it accumulates. */
interface ToolState {
  readonly index: number;
  id: string | null;
  name: string | null;
  args: string;
  /** Characters of `args` already written. */
  sent: number;
  /** Its content block index, once started. */
  block: number | null;
}

type Open = { readonly kind: 'text'; readonly block: number } | { readonly kind: 'tool'; readonly block: number; readonly tool: ToolState };

const event = (data: JsonObject): string => encodeSse({ event: String(data.type), data: JSON.stringify(data) });

/** The encoder state of one stream. */
class MessagesStream implements StreamEncoder {
  private started = false;
  private nextBlock = 0;
  private open: Open | null = null;
  private readonly tools = new Map<number, ToolState>();
  /** Text that arrived after tool calls began: written as a last text block at the finish. */
  private lateText = '';
  private finishReason: string | null = null;
  private refused = false;
  private flushed = false;
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
    const final = usage ?? this.usage;
    return (
      this.start() +
      this.flush() +
      event({
        type: 'message_delta',
        delta: { stop_reason: stopReason(this.finishReason, this.refused), stop_sequence: null },
        usage: final ? anthropicUsage(final) : { output_tokens: 0 },
      }) +
      event({ type: 'message_stop' })
    );
  }

  error(e: ClientError): string {
    return messagesErrorEvent(e);
  }

  /** `message_start` with an empty message, once. */
  private start(): string {
    if (this.started) return '';
    this.started = true;
    return event({
      type: 'message_start',
      message: {
        id: `msg_${this.ctx.requestId}`,
        type: 'message',
        role: 'assistant',
        content: [],
        model: this.ctx.requestedModel,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  private chunk(chunk: ChatChunk): string {
    if (chunk.usage) this.usage = chunk.usage;
    const delta = readDelta(chunk);
    if (!delta) return '';
    let out = '';
    if (delta.text !== '') out += this.text(delta.text);
    if (delta.refusal !== '') {
      this.refused = true;
      out += this.text(delta.refusal);
    }
    for (const call of delta.toolCalls) out += this.tool(call);
    if (delta.finishReason !== null) {
      this.finishReason = delta.finishReason;
      out += this.flush();
    }
    return out;
  }

  private text(text: string): string {
    if (this.tools.size > 0 || this.flushed) {
      this.lateText += text;
      return '';
    }
    let out = '';
    if (this.open?.kind !== 'text') out += this.startText();
    return out + this.textDelta(text);
  }

  private tool(call: ReadToolDelta): string {
    let state = this.tools.get(call.index);
    if (!state) {
      state = { index: call.index, id: null, name: null, args: '', sent: 0, block: null };
      this.tools.set(call.index, state);
    }
    state.id ??= call.id;
    state.name ??= call.name;
    state.args += call.arguments;
    if (this.flushed) return '';
    let out = '';
    if (this.open?.kind === 'text') out += this.stop();
    if (this.open === null && state.id !== null && state.name !== null && this.isFirstWaiting(state)) out += this.startTool(state);
    if (this.open?.kind === 'tool' && this.open.tool === state) out += this.argsDelta(state);
    return out;
  }

  /** True when `state` is the lowest-index tool call not yet written. */
  private isFirstWaiting(state: ToolState): boolean {
    for (const t of this.tools.values()) if (t.block === null && t.index < state.index) return false;
    return state.block === null;
  }

  /** Closes the open block and writes every held tool call (index order), then late text. */
  private flush(): string {
    if (this.flushed) return '';
    this.flushed = true;
    let out = '';
    if (this.open?.kind === 'tool') out += this.argsDelta(this.open.tool);
    if (this.open) out += this.stop();
    const waiting = [...this.tools.values()].filter((t) => t.block === null).sort((a, b) => a.index - b.index);
    for (const t of waiting) {
      t.id ??= `toolu_${this.ctx.requestId}_${t.index}`;
      t.name ??= '';
      out += this.startTool(t) + this.argsDelta(t) + this.stop();
    }
    if (this.lateText !== '') out += this.startText() + this.textDelta(this.lateText) + this.stop();
    return out;
  }

  private startText(): string {
    const block = this.nextBlock++;
    this.open = { kind: 'text', block };
    return event({ type: 'content_block_start', index: block, content_block: { type: 'text', text: '' } });
  }

  private textDelta(text: string): string {
    const block = this.open?.block ?? 0;
    return event({ type: 'content_block_delta', index: block, delta: { type: 'text_delta', text } });
  }

  private startTool(tool: ToolState): string {
    const block = this.nextBlock++;
    tool.block = block;
    this.open = { kind: 'tool', block, tool };
    return event({ type: 'content_block_start', index: block, content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} } });
  }

  private argsDelta(tool: ToolState): string {
    if (tool.block === null || tool.sent === tool.args.length) return '';
    const partial = tool.args.slice(tool.sent);
    tool.sent = tool.args.length;
    return event({ type: 'content_block_delta', index: tool.block, delta: { type: 'input_json_delta', partial_json: partial } });
  }

  private stop(): string {
    if (!this.open) return '';
    const { block } = this.open;
    this.open = null;
    return event({ type: 'content_block_stop', index: block });
  }
}

/** A new Anthropic Messages stream encoder for one stream. */
export function messagesStreamEncoder(ctx: AnswerContext): StreamEncoder {
  return new MessagesStream(ctx);
}
