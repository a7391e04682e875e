/** Canonical chunks → Anthropic stream events: exact sequences, then the same text accumulated by the Anthropic SDK's MessageStream. */
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { messagesProtocol } from '../../../../runtime/apis/messages/index.ts';
import type { ClientError } from '../../../../runtime/apis/types.ts';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { createSseDecoder } from '../../../../runtime/sse/decoder.ts';
import { encodeSseComment } from '../../../../runtime/sse/encoder.ts';
import { CACHED_USAGE, CTX, TEXT_STREAM, TOOLS_STREAM, USAGE, chunk, decodeSse, encodeAll, stubFetch, toolDelta, type Decoded } from '../support.ts';

const ev = (data: JsonObject): Decoded => ({ event: String(data.type), data });
const MESSAGE_START = ev({
  type: 'message_start',
  message: { id: 'msg_req_1', type: 'message', role: 'assistant', content: [], model: 'smart', stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
});
const textStart = (index: number): Decoded => ev({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
const textDelta = (index: number, text: string): Decoded => ev({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
const toolStart = (index: number, id: string, name: string): Decoded => ev({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } });
const jsonDelta = (index: number, partial: string): Decoded => ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
const stop = (index: number): Decoded => ev({ type: 'content_block_stop', index });
const messageDelta = (reason: string, usage: JsonObject): Decoded => ev({ type: 'message_delta', delta: { stop_reason: reason, stop_sequence: null }, usage });
const MESSAGE_STOP = ev({ type: 'message_stop' });

const ERROR: ClientError = { status: 502, type: 'server_error', code: 'upstream_stream_cut', message: 'The provider stream ended before the answer was complete.', param: null };

function client(sse: string): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://gateway.test', maxRetries: 0, fetch: stubFetch(200, sse).fetch });
}
const ask = { model: 'smart', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Weather and time in Oslo?' }] };

describe('messagesProtocol.streamEncoder', () => {
  it('writes plain text as one text block', () => {
    const text = encodeAll(messagesProtocol.streamEncoder(CTX), TEXT_STREAM, USAGE);
    expect(decodeSse(text)).toEqual([
      MESSAGE_START,
      textStart(0),
      textDelta(0, 'Hello'),
      textDelta(0, '! 🌍'),
      stop(0),
      messageDelta('end_turn', { input_tokens: 25, output_tokens: 15 }),
      MESSAGE_STOP,
    ]);
    expect(text.startsWith('event: message_start\ndata: {"type":"message_start",')).toBe(true);
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  it('writes text, then parallel tool calls as sequential blocks in index order, whatever the interleaving', () => {
    expect(decodeSse(encodeAll(messagesProtocol.streamEncoder(CTX), TOOLS_STREAM, USAGE))).toEqual([
      MESSAGE_START,
      textStart(0),
      textDelta(0, 'Let me check.'),
      stop(0),
      toolStart(1, 'call_w', 'get_weather'),
      jsonDelta(1, '{"city":'),
      jsonDelta(1, '"Oslo"}'),
      stop(1),
      toolStart(2, 'call_t', 'get_time'),
      jsonDelta(2, '{"zone":"Europe/Oslo"}'),
      stop(2),
      messageDelta('tool_use', { input_tokens: 25, output_tokens: 15 }),
      MESSAGE_STOP,
    ]);
  });

  it('takes usage from done(), else from a usage chunk, with cache fields; none → output_tokens 0', () => {
    const last = (text: string): Decoded | undefined => decodeSse(text).at(-2);
    expect(last(encodeAll(messagesProtocol.streamEncoder(CTX), TEXT_STREAM.slice(0, 4), CACHED_USAGE))).toEqual(
      messageDelta('end_turn', { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 200, cache_read_input_tokens: 1800 }),
    );
    expect(last(encodeAll(messagesProtocol.streamEncoder(CTX), TEXT_STREAM, null))).toEqual(messageDelta('end_turn', { input_tokens: 25, output_tokens: 15 }));
    expect(last(encodeAll(messagesProtocol.streamEncoder(CTX), TEXT_STREAM.slice(0, 4), null))).toEqual(messageDelta('end_turn', { output_tokens: 0 }));
  });

  it('maps the last finish reason to stop_reason', () => {
    const reason = (finish: string): unknown => decodeSse(encodeAll(messagesProtocol.streamEncoder(CTX), [chunk({ content: 'x' }), chunk({}, finish)], USAGE)).at(-2)?.data.delta;
    expect(reason('length')).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
    expect(reason('content_filter')).toEqual({ stop_reason: 'refusal', stop_sequence: null });
  });

  it('holds a tool call until its id and name are known, and writes text that comes after tools last', () => {
    const chunks = [
      chunk(toolDelta(0, { id: 'call_a' })),
      chunk(toolDelta(0, { name: 'lookup', args: '{"q":' })),
      chunk({ content: 'Also, ' }),
      chunk(toolDelta(0, { args: '1}' })),
      chunk({ content: 'done.' }, 'tool_calls'),
    ];
    expect(decodeSse(encodeAll(messagesProtocol.streamEncoder(CTX), chunks, USAGE))).toEqual([
      MESSAGE_START,
      toolStart(0, 'call_a', 'lookup'),
      jsonDelta(0, '{"q":'),
      jsonDelta(0, '1}'),
      stop(0),
      textStart(1),
      textDelta(1, 'Also, done.'),
      stop(1),
      messageDelta('tool_use', { input_tokens: 25, output_tokens: 15 }),
      MESSAGE_STOP,
    ]);
  });

  it('ends a stream that failed midway with an error event', () => {
    const encoder = messagesProtocol.streamEncoder(CTX);
    const text = encoder.chunks(TEXT_STREAM.slice(0, 2)) + encoder.error(ERROR);
    expect(decodeSse(text)).toEqual([
      MESSAGE_START,
      textStart(0),
      textDelta(0, 'Hello'),
      ev({ type: 'error', error: { type: 'api_error', message: 'The provider stream ended before the answer was complete.', code: 'upstream_stream_cut' } }),
    ]);
  });

  it('writes an empty message when the stream ends before any chunk', () => {
    expect(decodeSse(messagesProtocol.streamEncoder(CTX).done(USAGE))).toEqual([MESSAGE_START, messageDelta('end_turn', { input_tokens: 25, output_tokens: 15 }), MESSAGE_STOP]);
  });

  it('forwards native Anthropic events unchanged', () => {
    const native = readFileSync(new URL('../../sse/fixtures/anthropic-messages-stream.txt', import.meta.url), 'utf8');
    const decoder = createSseDecoder();
    const events = [...decoder.push(new TextEncoder().encode(native)), ...decoder.end()];
    const out = messagesProtocol.streamEncoder(CTX).events(events);
    expect(out).toBe(native);
  });
});

describe('the Anthropic SDK reading these streams', () => {
  it('accumulates plain text, stop_reason and usage', async () => {
    const message = await client(encodeAll(messagesProtocol.streamEncoder(CTX), TEXT_STREAM, CACHED_USAGE)).messages.stream(ask).finalMessage();
    expect(message).toMatchObject({
      id: 'msg_req_1',
      model: 'smart',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello! 🌍' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 200, cache_read_input_tokens: 1800 },
    });
  });

  it('accumulates text and both tool_use inputs', async () => {
    const stream = client(encodeAll(messagesProtocol.streamEncoder(CTX), TOOLS_STREAM, USAGE)).messages.stream(ask);
    const inputs: unknown[] = [];
    stream.on('contentBlock', (block) => inputs.push(block.type === 'tool_use' ? block.input : block.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_t', name: 'get_time', input: { zone: 'Europe/Oslo' } },
    ]);
    expect(inputs).toEqual(['text', { city: 'Oslo' }, { zone: 'Europe/Oslo' }]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 25, output_tokens: 15 });
  });

  it("ignores the relay's keep-alive comments between events", async () => {
    const sse = encodeAll(messagesProtocol.streamEncoder(CTX), TOOLS_STREAM, USAGE).split('\n\n').join(`\n\n${encodeSseComment('keep-alive')}`);
    const message = await client(sse).messages.stream(ask).finalMessage();
    expect(message.content.map((b) => (b.type === 'tool_use' ? b.input : b.type))).toEqual(['text', { city: 'Oslo' }, { zone: 'Europe/Oslo' }]);
  });

  it('raises the in-stream error as an APIError with the Anthropic type and the gateway code', async () => {
    for (const [error, type] of [
      [ERROR, 'api_error'],
      [{ ...ERROR, status: 503, code: 'upstream_overloaded', message: 'Overloaded.' }, 'overloaded_error'],
      [{ ...ERROR, status: 429, type: 'rate_limit_error', code: 'upstream_rate_limited', message: 'Slow down.' }, 'rate_limit_error'],
    ] as const) {
      const encoder = messagesProtocol.streamEncoder(CTX);
      const stream = client(encoder.chunks(TEXT_STREAM.slice(0, 2)) + encoder.error(error)).messages.stream(ask);
      const thrown: unknown = await stream.finalMessage().catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(Anthropic.APIError);
      if (!(thrown instanceof Anthropic.APIError)) continue;
      expect(thrown.type).toBe(type);
      expect(thrown.error).toEqual({ type: 'error', error: { type, message: error.message, code: error.code } });
    }
  });
});
