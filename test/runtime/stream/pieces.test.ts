/** Pushed bodies: backpressure, the last piece with the end, copies for the cache, and the web-stream and text views. */
import { describe, expect, it } from 'vitest';
import { arraySource, keepCopy, readAll, toReadableStream, type PieceSink, type PieceSource } from '../../../runtime/stream/pieces.ts';

/** A sink that takes `room` pieces before asking to wait, and records every call. */
function recorder(room = Infinity): PieceSink & { calls: string[]; room: number } {
  const sink = {
    calls: [] as string[],
    room,
    write(piece: string) {
      sink.calls.push(`write ${piece}`);
      sink.room -= 1;
      return sink.room > 0;
    },
    end(last?: string) {
      sink.calls.push(`end ${last ?? '-'}`);
    },
  };
  return sink;
}

describe('arraySource', () => {
  it('waits when the sink is full, goes on at resume, and hands the last piece to end', () => {
    const source = arraySource(['a', 'b', 'c', 'd']);
    const sink = recorder(2);
    source.pipe(sink);
    expect(sink.calls).toEqual(['write a', 'write b']);
    sink.room = 5;
    source.resume();
    expect(sink.calls).toEqual(['write a', 'write b', 'write c', 'end d']);
    source.resume();
    expect(sink.calls).toHaveLength(4);
  });

  it('ends an empty body without a piece, stops on cancel and refuses a second reader', () => {
    const empty = recorder();
    arraySource([]).pipe(empty);
    expect(empty.calls).toEqual(['end -']);
    const source = arraySource(['a', 'b', 'c']);
    const sink = recorder(1);
    source.pipe(sink);
    source.cancel();
    source.resume();
    expect(sink.calls).toEqual(['write a']);
    expect(() => source.pipe(recorder())).toThrow(/only once/);
  });
});

describe('keepCopy', () => {
  it('keeps the pieces and the last one, leaves SSE comments out, and reports a whole copy', async () => {
    const into: string[] = [];
    let whole: boolean | undefined;
    const text = await readAll(keepCopy(arraySource(['data: 1\n\n', ': keep-alive\n\n', 'data: [DONE]\n\n']), into, 100, (w) => (whole = w)));
    expect(text).toBe('data: 1\n\n: keep-alive\n\ndata: [DONE]\n\n');
    expect(into).toEqual(['data: 1\n\n', 'data: [DONE]\n\n']);
    expect(whole).toBe(true);
  });

  it('gives the copy up past max and on cancel', () => {
    const into: string[] = [];
    let whole: boolean | undefined;
    keepCopy(arraySource(['xxxx', 'yyyy', 'z']), into, 6, (w) => (whole = w)).pipe(recorder());
    expect(into).toEqual([]);
    expect(whole).toBe(false);
    let cancelled: boolean | undefined;
    const source = keepCopy(arraySource(['a', 'b']), [], 100, (w) => (cancelled = w));
    source.pipe(recorder(1));
    source.cancel();
    expect(cancelled).toBe(false);
  });
});

describe('toReadableStream', () => {
  it('produces nothing before the first read and one piece per read, as UTF-8', async () => {
    let piped = 0;
    const inner = arraySource(['é', 'b', 'c']);
    const counted: PieceSource = { ...inner, pipe: (s) => (piped++, inner.pipe(s)) };
    const reader = toReadableStream(counted).getReader();
    await new Promise((r) => setTimeout(r, 5));
    expect(piped).toBe(0);
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('é');
    const rest: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest.push(decoder.decode(value));
    }
    expect(rest).toEqual(['b', 'c']);
    expect(piped).toBe(1);
  });

  it('cancels the source when the reader cancels', async () => {
    let cancelled = false;
    const inner = arraySource(['a', 'b']);
    const reader = toReadableStream({ ...inner, cancel: () => ((cancelled = true), inner.cancel()) }).getReader();
    await reader.read();
    await reader.cancel();
    expect(cancelled).toBe(true);
  });
});
