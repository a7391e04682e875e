/** Canonical chunks → Responses stream events: exact sequences with sequence numbers, then the same text accumulated by the openai SDK's ResponseStream. */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { responsesProtocol } from '../../../../runtime/apis/responses/index.ts';
import type { ClientError } from '../../../../runtime/apis/types.ts';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { createSseDecoder } from '../../../../runtime/sse/decoder.ts';
import { encodeSseComment } from '../../../../runtime/sse/encoder.ts';
import { CACHED_USAGE, CTX, TEXT_STREAM, TOOLS_STREAM, USAGE, chunk, decodeSse, encodeAll, stubFetch, type Decoded } from '../support.ts';

/** Builds the expected events, numbering them from 0 as the encoder must. */
function sequence(...events: JsonObject[]): Decoded[] {
  return events.map((data, i) => ({ event: String(data.type), data: { ...data, sequence_number: i } }));
}

const BASE = { id: 'resp_req_1', object: 'response', created_at: CTX.created, error: null, incomplete_details: null, model: 'smart' };
const IN_PROGRESS = { ...BASE, status: 'in_progress', output: [], usage: null };
const USAGE_OUT = { input_tokens: 25, input_tokens_details: { cached_tokens: 0 }, output_tokens: 15, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 40 };
const MSG = { item_id: 'msg_req_1', output_index: 0, content_index: 0 };
const outputText = (text: string): JsonObject => ({ type: 'output_text', text, annotations: [] });
const message = (status: string, content: JsonObject[]): JsonObject => ({ id: 'msg_req_1', type: 'message', status, role: 'assistant', content });
const call = (i: number, callId: string, name: string, args: string, status: string): JsonObject => ({ id: `fc_req_1_${i}`, type: 'function_call', status, arguments: args, call_id: callId, name });

const CREATED = [
  { type: 'response.created', response: IN_PROGRESS },
  { type: 'response.in_progress', response: IN_PROGRESS },
];
const textItem = (deltas: string[]): JsonObject[] => [
  { type: 'response.output_item.added', output_index: 0, item: message('in_progress', []) },
  { type: 'response.content_part.added', ...MSG, part: outputText('') },
  ...deltas.map((delta) => ({ type: 'response.output_text.delta', ...MSG, delta, logprobs: [] })),
];
const closeText = (text: string, status: string): JsonObject[] => [
  { type: 'response.output_text.done', ...MSG, text, logprobs: [] },
  { type: 'response.content_part.done', ...MSG, part: outputText(text) },
  { type: 'response.output_item.done', output_index: 0, item: message(status, [outputText(text)]) },
];

const ERROR: ClientError = { status: 502, type: 'server_error', code: 'upstream_stream_cut', message: 'The provider stream ended before the answer was complete.', param: null };

function client(sse: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: stubFetch(200, sse).fetch });
}
const ask = { model: 'smart', input: 'Weather and time in Oslo?' };

describe('responsesProtocol.streamEncoder', () => {
  it('writes plain text as one message item, then response.completed with the whole response', () => {
    const text = encodeAll(responsesProtocol.streamEncoder(CTX), TEXT_STREAM, USAGE);
    expect(decodeSse(text)).toEqual(
      sequence(...CREATED, ...textItem(['Hello', '! 🌍']), ...closeText('Hello! 🌍', 'completed'), {
        type: 'response.completed',
        response: { ...BASE, status: 'completed', output: [message('completed', [outputText('Hello! 🌍')])], usage: USAGE_OUT },
      }),
    );
    expect(text.startsWith('event: response.created\ndata: {"type":"response.created",')).toBe(true);
  });

  it('closes the message when tool calls begin and streams interleaved argument fragments per call', () => {
    const weather = { item_id: 'fc_req_1_0', output_index: 1 };
    const time = { item_id: 'fc_req_1_1', output_index: 2 };
    expect(decodeSse(encodeAll(responsesProtocol.streamEncoder(CTX), TOOLS_STREAM, USAGE))).toEqual(
      sequence(
        ...CREATED,
        ...textItem(['Let me check.']),
        ...closeText('Let me check.', 'completed'),
        { type: 'response.output_item.added', output_index: 1, item: call(0, 'call_w', 'get_weather', '', 'in_progress') },
        { type: 'response.function_call_arguments.delta', ...weather, delta: '{"city":' },
        { type: 'response.output_item.added', output_index: 2, item: call(1, 'call_t', 'get_time', '', 'in_progress') },
        { type: 'response.function_call_arguments.delta', ...time, delta: '{"zone":' },
        { type: 'response.function_call_arguments.delta', ...weather, delta: '"Oslo"}' },
        { type: 'response.function_call_arguments.delta', ...time, delta: '"Europe/Oslo"}' },
        { type: 'response.function_call_arguments.done', ...weather, arguments: '{"city":"Oslo"}' },
        { type: 'response.output_item.done', output_index: 1, item: call(0, 'call_w', 'get_weather', '{"city":"Oslo"}', 'completed') },
        { type: 'response.function_call_arguments.done', ...time, arguments: '{"zone":"Europe/Oslo"}' },
        { type: 'response.output_item.done', output_index: 2, item: call(1, 'call_t', 'get_time', '{"zone":"Europe/Oslo"}', 'completed') },
        {
          type: 'response.completed',
          response: {
            ...BASE,
            status: 'completed',
            output: [
              message('completed', [outputText('Let me check.')]),
              call(0, 'call_w', 'get_weather', '{"city":"Oslo"}', 'completed'),
              call(1, 'call_t', 'get_time', '{"zone":"Europe/Oslo"}', 'completed'),
            ],
            usage: USAGE_OUT,
          },
        },
      ),
    );
  });

  it('takes usage from done(), else from a usage chunk; none → usage null', () => {
    const usage = (text: string): unknown => (decodeSse(text).at(-1)?.data.response as JsonObject).usage;
    expect(usage(encodeAll(responsesProtocol.streamEncoder(CTX), TEXT_STREAM.slice(0, 4), CACHED_USAGE))).toEqual({
      input_tokens: 2100,
      input_tokens_details: { cached_tokens: 1800, cache_write_tokens: 200 },
      output_tokens: 50,
      output_tokens_details: { reasoning_tokens: 10 },
      total_tokens: 2150,
    });
    expect(usage(encodeAll(responsesProtocol.streamEncoder(CTX), TEXT_STREAM, null))).toEqual(USAGE_OUT);
    expect(usage(encodeAll(responsesProtocol.streamEncoder(CTX), TEXT_STREAM.slice(0, 4), null))).toBeNull();
  });

  it('ends a length finish with response.incomplete', () => {
    const events = decodeSse(encodeAll(responsesProtocol.streamEncoder(CTX), [chunk({ content: 'Once upon a' }), chunk({}, 'length')], USAGE));
    expect(events.slice(-2)).toEqual([
      { event: 'response.output_item.done', data: { type: 'response.output_item.done', output_index: 0, item: message('incomplete', [outputText('Once upon a')]), sequence_number: 7 } },
      {
        event: 'response.incomplete',
        data: {
          type: 'response.incomplete',
          response: { ...BASE, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [message('incomplete', [outputText('Once upon a')])], usage: USAGE_OUT },
          sequence_number: 8,
        },
      },
    ]);
  });

  it('writes refusals as a refusal part', () => {
    const events = decodeSse(encodeAll(responsesProtocol.streamEncoder(CTX), [chunk({ refusal: "I'm sorry" }), chunk({ refusal: '.' }), chunk({}, 'stop')], USAGE));
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.refusal.delta',
      'response.refusal.delta',
      'response.refusal.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[6]?.data).toEqual({ type: 'response.refusal.done', ...MSG, refusal: "I'm sorry.", sequence_number: 6 });
    expect((events[9]?.data.response as JsonObject).output).toEqual([message('completed', [{ type: 'refusal', refusal: "I'm sorry." }])]);
  });

  it('ends a stream that failed midway with response.failed (status failed, error code and message)', () => {
    const encoder = responsesProtocol.streamEncoder(CTX);
    const text = encoder.chunks(TEXT_STREAM.slice(0, 2)) + encoder.error(ERROR);
    expect(decodeSse(text)).toEqual(
      sequence(...CREATED, ...textItem(['Hello']), {
        type: 'response.failed',
        response: {
          ...BASE,
          status: 'failed',
          error: { code: 'upstream_stream_cut', message: 'The provider stream ended before the answer was complete.' },
          output: [message('incomplete', [outputText('Hello')])],
          usage: null,
        },
      }),
    );
  });

  it('announces the response before failing when nothing came before the error', () => {
    expect(decodeSse(responsesProtocol.streamEncoder(CTX).error(ERROR)).map((e) => [e.event, e.data.sequence_number])).toEqual([
      ['response.created', 0],
      ['response.in_progress', 1],
      ['response.failed', 2],
    ]);
  });

  it('forwards native Responses events unchanged', () => {
    const native = 'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1"}}\n\nevent: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"delta":"Hi"}\n\n';
    const decoder = createSseDecoder();
    const events = [...decoder.push(new TextEncoder().encode(native)), ...decoder.end()];
    expect(responsesProtocol.streamEncoder(CTX).events(events)).toBe(native);
  });
});

describe('the openai SDK reading these streams', () => {
  it('accumulates plain text and usage', async () => {
    const response = await client(encodeAll(responsesProtocol.streamEncoder(CTX), TEXT_STREAM, CACHED_USAGE)).responses.stream(ask).finalResponse();
    expect(response.id).toBe('resp_req_1');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello! 🌍');
    expect(response.usage).toMatchObject({ input_tokens: 2100, output_tokens: 50, input_tokens_details: { cached_tokens: 1800 } });
  });

  it('accumulates text and both function calls, and reports argument snapshots per call', async () => {
    const stream = client(encodeAll(responsesProtocol.streamEncoder(CTX), TOOLS_STREAM, USAGE)).responses.stream(ask);
    const snapshots: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => snapshots.push(e.snapshot));
    const response = await stream.finalResponse();
    expect(response.output_text).toBe('Let me check.');
    const calls = response.output.flatMap((i) => (i.type === 'function_call' ? [{ call_id: i.call_id, name: i.name, args: JSON.parse(i.arguments) as unknown }] : []));
    expect(calls).toEqual([
      { call_id: 'call_w', name: 'get_weather', args: { city: 'Oslo' } },
      { call_id: 'call_t', name: 'get_time', args: { zone: 'Europe/Oslo' } },
    ]);
    expect(snapshots).toEqual(['{"city":', '{"zone":', '{"city":"Oslo"}', '{"zone":"Europe/Oslo"}']);
  });

  it("ignores the relay's keep-alive comments between events", async () => {
    const sse = encodeAll(responsesProtocol.streamEncoder(CTX), TOOLS_STREAM, USAGE).split('\n\n').join(`\n\n${encodeSseComment('keep-alive')}`);
    const response = await client(sse).responses.stream(ask).finalResponse();
    expect(response.output.map((i) => i.type)).toEqual(['message', 'function_call', 'function_call']);
  });

  it('ends an incomplete response as incomplete', async () => {
    const response = await client(encodeAll(responsesProtocol.streamEncoder(CTX), [chunk({ content: 'Once upon a' }), chunk({}, 'length')], USAGE)).responses.stream(ask).finalResponse();
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output_text).toBe('Once upon a');
  });

  it('ends a failed stream with the failed response, its error and the partial text', async () => {
    const encoder = responsesProtocol.streamEncoder(CTX);
    const stream = client(encoder.chunks(TEXT_STREAM.slice(0, 2)) + encoder.error(ERROR)).responses.stream(ask);
    const failed: string[] = [];
    stream.on('response.failed', (e) => failed.push(e.response.status ?? ''));
    const response = await stream.finalResponse();
    expect(failed).toEqual(['failed']);
    expect(response.status).toBe('failed');
    expect(response.error).toEqual({ code: 'upstream_stream_cut', message: 'The provider stream ended before the answer was complete.' });
    expect(response.output_text).toBe('Hello');
  });
});
