/**
 * Shared fixtures for the client API tests: canonical chat chunk sequences (OpenAI's chat
 * streaming shape), an answer context, an SSE reader, and fetch stubs that let the real SDKs
 * parse what the gateway writes.
 */
import { expect } from 'vitest';
import type { AnswerContext, ClientProtocol, StreamEncoder } from '../../../runtime/apis/types.ts';
import { isGatewayError } from '../../../runtime/core/errors.ts';
import type { ChatChunk, JsonObject, Usage } from '../../../runtime/openai/types.ts';
import type { OutChunk } from '../../../runtime/providers/types.ts';
import { createSseDecoder } from '../../../runtime/sse/decoder.ts';

/** The context every answer in these tests is written for. */
export const CTX: AnswerContext = { requestedModel: 'smart', requestId: 'req_1', created: 1_767_225_600 };

/** A canonical chunk with one choice. */
export function chunk(delta: JsonObject, finishReason: string | null = null): OutChunk {
  const c: ChatChunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: CTX.created, model: 'gpt-x', choices: [{ index: 0, delta, finish_reason: finishReason }] };
  return { chunk: c, raw: null };
}

/** The usage-only chunk OpenAI sends last when asked for stream usage. */
export function usageChunk(usage: Usage): OutChunk {
  return { chunk: { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: CTX.created, model: 'gpt-x', choices: [], usage }, raw: null };
}

/** A tool-call fragment delta. */
export function toolDelta(index: number, fields: { id?: string; name?: string; args?: string }): JsonObject {
  const fn: JsonObject = {};
  if (fields.name !== undefined) fn.name = fields.name;
  fn.arguments = fields.args ?? '';
  const call: JsonObject = { index, function: fn };
  if (fields.id !== undefined) {
    call.id = fields.id;
    call.type = 'function';
  }
  return { tool_calls: [call] };
}

export const USAGE: Usage = { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 };
export const CACHED_USAGE = {
  prompt_tokens: 2100,
  completion_tokens: 50,
  total_tokens: 2150,
  prompt_tokens_details: { cached_tokens: 1800, cache_creation_tokens: 200 },
  completion_tokens_details: { reasoning_tokens: 10 },
} satisfies Usage & { prompt_tokens_details: { cache_creation_tokens: number } };

/** Plain text: role, two text fragments, the finish, then usage. */
export const TEXT_STREAM: readonly OutChunk[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Hello' }),
  chunk({ content: '! 🌍' }),
  chunk({}, 'stop'),
  usageChunk(USAGE),
];

/** Text, then two parallel tool calls whose argument fragments interleave. */
export const TOOLS_STREAM: readonly OutChunk[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Let me check.' }),
  chunk(toolDelta(0, { id: 'call_w', name: 'get_weather' })),
  chunk(toolDelta(0, { args: '{"city":' })),
  chunk(toolDelta(1, { id: 'call_t', name: 'get_time' })),
  chunk(toolDelta(1, { args: '{"zone":' })),
  chunk(toolDelta(0, { args: '"Oslo"}' })),
  chunk(toolDelta(1, { args: '"Europe/Oslo"}' })),
  chunk({}, 'tool_calls'),
];

/** Runs a whole stream through an encoder: the chunks one call each, then `done(usage)`. */
export function encodeAll(encoder: StreamEncoder, chunks: readonly OutChunk[], usage: Usage | null): string {
  return chunks.map((c) => encoder.chunks([c])).join('') + encoder.done(usage);
}

/** One decoded event: its type and parsed data. */
export interface Decoded {
  readonly event: string | null;
  readonly data: JsonObject;
}

/** Decodes SSE text into events with parsed JSON data. */
export function decodeSse(text: string): Decoded[] {
  const decoder = createSseDecoder();
  const events = [...decoder.push(new TextEncoder().encode(text)), ...decoder.end()];
  return events.map((e) => ({ event: e.event, data: JSON.parse(e.data) as JsonObject }));
}

/** A fetch that answers every call with `body` (SSE when it is a string starting with `event:`) and records request bodies. */
export function stubFetch(status: number, body: string): { fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>; sent: JsonObject[] } {
  const sent: JsonObject[] = [];
  const fetch = async (_input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (typeof init?.body === 'string') sent.push(JSON.parse(init.body) as JsonObject);
    const sse = body.startsWith('event:');
    return new Response(body, { status, headers: { 'content-type': sse ? 'text/event-stream' : 'application/json', 'request-id': 'req_1' } });
  };
  return { fetch, sent };
}

/** Expects `toChat(body)` to throw GatewayError `invalid_request` with `param`, and returns its message. */
export function refusal(protocol: ClientProtocol, body: JsonObject, param: string): string {
  try {
    protocol.toChat(body);
  } catch (error) {
    expect(isGatewayError(error)).toBe(true);
    if (!isGatewayError(error)) throw error;
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe(param);
    return error.message;
  }
  throw new Error(`expected toChat to refuse ${param}`);
}
