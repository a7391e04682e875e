/** The SSE encoder: exact text for events, comments and [DONE], and round trips through the decoder. */
import { describe, expect, it } from 'vitest';
import { createSseDecoder } from '../../../runtime/sse/decoder.ts';
import { encodeSse, encodeSseComment, SSE_DONE, type SseEventInit } from '../../../runtime/sse/encoder.ts';
import type { SseEvent } from '../../../runtime/sse/types.ts';

const utf8 = new TextEncoder();

function roundTrip(text: string): SseEvent[] {
  const decoder = createSseDecoder();
  return [...decoder.push(utf8.encode(text)), ...decoder.end()];
}

describe('encodeSse', () => {
  it('writes data, then a blank line', () => {
    expect(encodeSse({ data: '{"a":1}' })).toBe('data: {"a":1}\n\n');
    expect(encodeSse({ data: '' })).toBe('data: \n\n');
  });

  it('writes the event type and id before the data', () => {
    expect(encodeSse({ event: 'message_start', data: '{}', id: '7' })).toBe('event: message_start\nid: 7\ndata: {}\n\n');
    expect(encodeSse({ event: null, data: 'x', id: null })).toBe('data: x\n\n');
    expect(encodeSse({ event: '', data: 'x', id: '' })).toBe('id: \ndata: x\n\n');
  });

  it('splits multi-line data into data lines at LF, CR LF and CR', () => {
    expect(encodeSse({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(encodeSse({ data: '\n' })).toBe('data: \ndata: \n\n');
  });

  it('refuses an event type or id that would forge fields', () => {
    expect(() => encodeSse({ event: 'a\ndata: forged', data: 'x' })).toThrow(TypeError);
    expect(() => encodeSse({ data: 'x', id: '1\r' })).toThrow(TypeError);
    expect(() => encodeSse({ data: 'x', id: '1\u0000' })).toThrow(TypeError);
  });

  it('round-trips through the decoder (line breaks in data come back as LF)', () => {
    const events: SseEventInit[] = [
      { data: '{"choices":[{"delta":{"content":"Grüß 👋🏽"}}]}' },
      { event: 'content_block_delta', data: ' leading space', id: 'evt_1' },
      { data: '' },
      { data: '\n\nmiddle\n\n' },
      { data: ': not a comment' },
      { event: 'x', data: 'data: nested' },
      { data: 'cr\rcrlf\r\nlf\nend' },
    ];
    const text = events.map(encodeSse).join('');
    expect(roundTrip(text)).toEqual(
      events.map((e) => ({ event: e.event ?? null, id: e.id ?? null, data: e.data.replace(/\r\n|\r/g, '\n') })),
    );
  });
});

describe('encodeSseComment and SSE_DONE', () => {
  it('writes keep-alive comments that decoders ignore', () => {
    expect(encodeSseComment('ping')).toBe(': ping\n\n');
    expect(encodeSseComment('')).toBe(':\n\n');
    expect(encodeSseComment('a\nb')).toBe(': a\n: b\n\n');
    expect(roundTrip(encodeSseComment('a\r\nb') + encodeSse({ data: 'x' }))).toEqual([{ event: null, data: 'x', id: null }]);
  });

  it('ends OpenAI streams with [DONE]', () => {
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
    expect(roundTrip(SSE_DONE)).toEqual([{ event: null, data: '[DONE]', id: null }]);
  });
});
