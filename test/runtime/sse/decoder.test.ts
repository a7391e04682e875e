/** The SSE decoder: WHATWG line and field rules, chunk boundaries anywhere (bytes, CR LF, UTF-8), limits, and the encoder round trip. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSseDecoder, SseError, type SseDecoderOptions } from '../../../runtime/sse/decoder.ts';
import type { SseEvent } from '../../../runtime/sse/types.ts';

const utf8 = new TextEncoder();
const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const OPENAI = fixture('openai-chat-stream.txt');
const ANTHROPIC = fixture('anthropic-messages-stream.txt');

/** Decodes `chunks` pushed one by one, then `end()`. */
function decode(chunks: readonly Uint8Array[], options?: SseDecoderOptions): SseEvent[] {
  const decoder = createSseDecoder(options);
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.push(chunk));
  events.push(...decoder.end());
  return events;
}

const decodeText = (text: string): SseEvent[] => decode([utf8.encode(text)]);

/** `bytes` cut at the given ascending positions. */
function splitAt(bytes: Uint8Array, positions: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const at of positions) {
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** A small deterministic PRNG (mulberry32), so a failing split can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const withLineBreaks = (bytes: Uint8Array, lineBreak: string): Uint8Array =>
  utf8.encode(Buffer.from(bytes).toString('utf8').replaceAll('\n', lineBreak));

const ev = (data: string, event: string | null = null, id: string | null = null): SseEvent => ({ event, data, id });

describe('createSseDecoder: parsing rules', () => {
  const cases: ReadonlyArray<readonly [string, string, SseEvent[]]> = [
    ['LF line breaks', 'data: a\n\ndata: b\n\n', [ev('a'), ev('b')]],
    ['CR LF line breaks', 'data: a\r\n\r\ndata: b\r\n\r\n', [ev('a'), ev('b')]],
    ['CR line breaks', 'data: a\r\rdata: b\r\r', [ev('a'), ev('b')]],
    ['mixed line breaks', 'data: a\r\n\rdata: b\n\r\n', [ev('a'), ev('b')]],
    ['multi-line data joined with LF', 'data: one\ndata: two\r\ndata: three\n\n', [ev('one\ntwo\nthree')]],
    ['only one leading space removed', 'data:  two spaces\ndata:none\n\n', [ev(' two spaces\nnone')]],
    ['colon in the value kept', 'data: {"a":"b:c"}\n\n', [ev('{"a":"b:c"}')]],
    ['empty data field gives an empty event', 'data\n\ndata:\n\n', [ev(''), ev('')]],
    ['empty data lines kept', 'data\ndata\n\n', [ev('\n')]],
    ['comments ignored', ': ping\n\n:\ndata: x\n: mid-event\n\n', [ev('x')]],
    ['event type', 'event: message_start\ndata: {}\n\n', [ev('{}', 'message_start')]],
    ['empty event type is the default', 'event:\ndata: x\n\n', [ev('x')]],
    ['event type does not carry over', 'event: a\ndata: 1\n\ndata: 2\n\n', [ev('1', 'a'), ev('2')]],
    ['id of the event', 'id: 42\ndata: x\n\ndata: y\n\n', [ev('x', null, '42'), ev('y')]],
    ['empty id kept as empty', 'id\ndata: x\n\n', [ev('x', null, '')]],
    ['id with NUL ignored', 'id: a\u0000b\ndata: x\n\n', [ev('x')]],
    ['retry and unknown fields ignored', 'retry: 1000\nfoo: bar\nDATA: no\ndata: x\n\n', [ev('x')]],
    ['field without colon has an empty value', 'event\ndata\n\n', [ev('')]],
    ['no data, no event', 'event: a\nid: 1\n\n\n\n', []],
    ['leading BOM removed', '\uFEFFdata: x\n\n', [ev('x')]],
    ['only one BOM removed', '\uFEFF\uFEFFdata: x\n\n', []],
    ['BOM inside data kept', 'data: \uFEFFx\n\n', [ev('\uFEFFx')]],
    ['[DONE] terminator is just data', 'data: [DONE]\n\n', [ev('[DONE]')]],
    ['missing final blank line returned at end', 'data: a\n\ndata: b\n', [ev('a'), ev('b')]],
    ['unfinished last line returned at end', 'data: a\n\nevent: e\ndata: b', [ev('a'), ev('b', 'e')]],
    ['unfinished event without data dropped', 'data: a\n\nevent: e\n', [ev('a')]],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(decodeText(input)).toEqual(expected);
  });

  it('dispatches an event as soon as its blank line arrives', () => {
    const decoder = createSseDecoder();
    expect(decoder.push(utf8.encode('data: a\n'))).toEqual([]);
    expect(decoder.push(utf8.encode('\ndata: b\n\nda'))).toEqual([ev('a'), ev('b')]);
    expect(decoder.push(utf8.encode('ta: c\n\n'))).toEqual([ev('c')]);
    expect(decoder.end()).toEqual([]);
  });

  it('treats CR at the end of a chunk and LF at the start of the next as one line break', () => {
    const decoder = createSseDecoder();
    expect(decoder.push(utf8.encode('data: a\r'))).toEqual([]);
    expect(decoder.push(utf8.encode('\ndata: b\r\n\r'))).toEqual([ev('a\nb')]);
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.push(utf8.encode('\ndata: c\r'))).toEqual([]);
    // CR then CR: a line break, then a blank line.
    expect(decoder.push(utf8.encode('\r'))).toEqual([ev('c')]);
    expect(decoder.end()).toEqual([]);
  });

  it('keeps a UTF-8 character split across chunks (emoji at every byte boundary)', () => {
    const bytes = utf8.encode('data: a👋🏽b世\n\n');
    for (let at = 0; at <= bytes.length; at += 1) {
      expect(decode(splitAt(bytes, [at]))).toEqual([ev('a👋🏽b世')]);
    }
    expect(decode([...bytes].map((b) => Uint8Array.of(b)))).toEqual([ev('a👋🏽b世')]);
  });

  it('removes a BOM split across chunks', () => {
    const bytes = utf8.encode('\uFEFFdata: x\n\n');
    expect(decode([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)])).toEqual([ev('x')]);
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    expect(decode([Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a)])).toEqual([ev('\uFFFD')]);
  });

  it('can decode a second stream after end()', () => {
    const decoder = createSseDecoder();
    decoder.push(utf8.encode('data: a\r'));
    expect(decoder.end()).toEqual([ev('a')]);
    expect(decoder.push(utf8.encode('\uFEFF\ndata: b\n\n'))).toEqual([ev('b')]);
  });
});

describe('createSseDecoder: recorded provider streams split anywhere', () => {
  const whole = decode([OPENAI]);
  const anthropic = decode([ANTHROPIC]);

  it('decodes the recorded OpenAI stream', () => {
    expect(whole).toHaveLength(7);
    expect(whole.at(-1)).toEqual(ev('[DONE]'));
    const text = whole
      .slice(0, -1)
      .map((e) => JSON.parse(e.data) as { choices: Array<{ delta: { content?: string } }> })
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('Grüß dich 👋🏽, 世界!');
  });

  it('decodes the recorded Anthropic stream with its event types', () => {
    expect(anthropic.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(JSON.parse(anthropic[4]?.data ?? '')).toMatchObject({ delta: { text: '! 🌍' } });
  });

  it('gives the same events for a split at every byte position', () => {
    for (const [bytes, expected] of [
      [OPENAI, whole],
      [ANTHROPIC, anthropic],
    ] as const) {
      for (let at = 0; at <= bytes.length; at += 1) {
        expect(decode(splitAt(bytes, [at])), `split at ${at}`).toEqual(expected);
      }
    }
  });

  it('gives the same events with CR LF and CR line breaks, split at every position', () => {
    for (const lineBreak of ['\r\n', '\r']) {
      const bytes = withLineBreaks(OPENAI, lineBreak);
      for (let at = 0; at <= bytes.length; at += 1) {
        expect(decode(splitAt(bytes, [at])), `${JSON.stringify(lineBreak)} split at ${at}`).toEqual(whole);
      }
    }
  });

  it('gives the same events for every pair of split positions in a CR LF stream', () => {
    const bytes = withLineBreaks(utf8.encode('event: a\ndata: 👋\n\n: c\ndata: x\n\n'), '\r\n');
    const expected = [ev('👋', 'a'), ev('x')];
    for (let a = 0; a <= bytes.length; a += 1) {
      for (let b = a; b <= bytes.length; b += 1) {
        expect(decode(splitAt(bytes, [a, b])), `split at ${a}, ${b}`).toEqual(expected);
      }
    }
  });

  it('gives the same events for random many-way splits and byte-by-byte feeding', () => {
    const random = prng(20251105);
    const bytes = withLineBreaks(ANTHROPIC, '\r\n');
    for (let round = 0; round < 500; round += 1) {
      const positions = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * bytes.length));
      positions.sort((x, y) => x - y);
      expect(decode(splitAt(bytes, positions)), `round ${round}`).toEqual(anthropic);
    }
    expect(decode([...OPENAI].map((b) => Uint8Array.of(b)))).toEqual(whole);
  });
});

describe('createSseDecoder: limits', () => {
  it('throws SseError for an event whose data grows past maxEventBytes', () => {
    const decoder = createSseDecoder({ maxEventBytes: 100 });
    expect(decoder.push(utf8.encode(`data: ${'a'.repeat(60)}\n`))).toEqual([]);
    let error: unknown;
    try {
      decoder.push(utf8.encode(`data: ${'b'.repeat(60)}\n`));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SseError);
    expect(error).toMatchObject({ code: 'event_too_large', message: 'server-sent event larger than 100 bytes' });
    expect(() => decoder.push(utf8.encode('\n'))).toThrow(SseError);
    expect(() => decoder.end()).toThrow(SseError);
  });

  it('throws SseError for a line that never ends (hostile upstream)', () => {
    const decoder = createSseDecoder({ maxEventBytes: 1024 });
    const chunk = utf8.encode('x'.repeat(100));
    expect(() => {
      for (let i = 0; i < 20; i += 1) decoder.push(chunk);
    }).toThrow(/larger than 1024 bytes/);
  });

  it('accepts events up to the limit, and many small events in one chunk', () => {
    const data = 'z'.repeat(100);
    expect(decode([utf8.encode(`data: ${data}\n\n`)], { maxEventBytes: 100 })).toEqual([ev(data)]);
    const many = `data: ${'y'.repeat(50)}\n\n`.repeat(1000);
    expect(decode([utf8.encode(many)], { maxEventBytes: 100 })).toHaveLength(1000);
  });

  it('uses an 8 MiB default', () => {
    const big = 'q'.repeat(8 * 1024 * 1024);
    expect(decode([utf8.encode(`data: ${big}\n\n`)])[0]?.data.length).toBe(big.length);
    expect(() => decode([utf8.encode(`data: ${big}q\n\n`)])).toThrow(SseError);
  });

  it('scans lines without colons or line breaks in linear time', () => {
    const lines = 'x\n'.repeat(200_000);
    const started = performance.now();
    expect(decode([utf8.encode(`${lines}data: ok\n\n`)])).toEqual([ev('ok')]);
    const noBreaks = 'data: ' + 'y'.repeat(4_000_000);
    expect(decode([utf8.encode(noBreaks)])).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
