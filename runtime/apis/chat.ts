/**
 * OpenAI chat completions, the canonical client API: requests and answers pass unchanged,
 * streams are `data:` lines ending in `[DONE]`, errors are OpenAI's error object.
 * @module
 */
import type { JsonObject } from '../openai/types.ts';
import type { OutChunk } from '../providers/types.ts';
import { encodeSse, SSE_DONE } from '../sse/encoder.ts';
import type { SseEvent } from '../sse/types.ts';
import type { ClientError, ClientProtocol, StreamEncoder } from './types.ts';

/** OpenAI's error body. */
export function openaiErrorBody(e: ClientError): JsonObject {
  return { error: { message: e.message, type: e.type, param: e.param, code: e.code } };
}

const encoder: StreamEncoder = {
  chunks(chunks: readonly OutChunk[]): string {
    let out = '';
    for (const c of chunks) out += `data: ${c.raw ?? JSON.stringify(c.chunk)}\n\n`;
    return out;
  },
  events(events: readonly SseEvent[]): string {
    return events.map((e) => encodeSse(e)).join('');
  },
  done: () => SSE_DONE,
  error: (e) => `data: ${JSON.stringify(openaiErrorBody(e))}\n\n`,
};

/** Chat completions. */
export const chatProtocol: ClientProtocol = {
  api: 'chat',
  path: '/v1/chat/completions',
  toChat: (body) => body,
  wantsStream: (body) => body.stream === true,
  fromChat: (completion) => completion,
  streamEncoder: () => encoder,
  errorBody: openaiErrorBody,
};
