/**
 * The gateway's own responses implement Fetch's Response and Headers without undici
 * (runtime/core/response.ts, runtime/core/response-headers.ts). They are checked here
 * against undici's classes doing the same things, and for the body rules of Fetch.
 */
import { describe, expect, it } from 'vitest';
import { ResponseHeaders } from '../../../runtime/core/response-headers.ts';
import { streamResponse, textResponse, headerRecordOf, textOf } from '../../../runtime/core/response.ts';
import { arraySource } from '../../../runtime/stream/pieces.ts';

type Op = readonly ['append' | 'set', string, string] | readonly ['delete', string];

/** Applies `ops` to a Headers and reports everything it can be asked, or the first error's type. */
function observe(h: Headers, ops: readonly Op[]): unknown {
  try {
    for (const op of ops) {
      if (op[0] === 'delete') h.delete(op[1]);
      else h[op[0]](op[1], op[2]);
    }
  } catch (err) {
    return { threw: (err as Error).constructor.name };
  }
  const names = ['content-type', 'Content-Type', 'x-a', 'X-B', 'set-cookie', 'vary'];
  const seen: [string, string][] = [];
  h.forEach((v, k) => seen.push([k, v]));
  return {
    entries: [...h],
    keys: [...h.keys()],
    values: [...h.values()],
    seen,
    got: names.map((n) => h.get(n)),
    has: names.map((n) => h.has(n)),
    cookies: h.getSetCookie(),
  };
}

const CASES: Record<string, readonly Op[]> = {
  'names are case-insensitive': [['set', 'Content-Type', 'text/plain'], ['set', 'content-type', 'application/json'], ['append', 'X-A', '1']],
  'append joins, set replaces, delete removes': [['append', 'x-a', '1'], ['append', 'X-A', '2'], ['append', 'vary', 'a'], ['set', 'vary', 'b'], ['append', 'x-b', 'z'], ['delete', 'X-B']],
  'iteration is sorted by name': [['set', 'zeta', '1'], ['set', 'alpha', '2'], ['set', 'Mid', '3'], ['set', 'x-a', '4']],
  'set-cookie lines stay apart': [['append', 'set-cookie', 'a=1'], ['append', 'Set-Cookie', 'b=2'], ['set', 'x-a', 'y']],
  'set-cookie set and delete': [['append', 'set-cookie', 'a=1'], ['set', 'set-cookie', 'c=3'], ['append', 'set-cookie', 'd=4'], ['delete', 'x-a']],
  'values are trimmed of HTTP whitespace': [['set', 'x-a', '  padded\t'], ['append', 'x-b', '\tv ']],
  'Latin-1 values pass': [['set', 'x-a', 'caf\u00e9']],
  'an invalid name is a TypeError': [['set', 'bad name', 'v']],
  'an empty name is a TypeError': [['set', '', 'v']],
  'a line break in a value is a TypeError': [['set', 'x-a', 'a\r\nb: c']],
  'a NUL in a value is a TypeError': [['set', 'x-a', 'a\u0000b']],
  'a character beyond Latin-1 is a TypeError': [['set', 'x-a', 'caf\u00e9 \u4e2d']],
};

describe('ResponseHeaders', () => {
  for (const [name, ops] of Object.entries(CASES)) {
    it(`behaves as Fetch Headers: ${name}`, () => {
      expect(observe(new ResponseHeaders(), ops)).toEqual(observe(new Headers(), ops));
    });
  }

  it('refuses the control characters Node would refuse to write, where Fetch would pass them on', () => {
    expect(() => new ResponseHeaders().set('x-a', 'a\u0007b')).toThrow(TypeError);
    expect(() => new ResponseHeaders().set('x-a', 'tab\tinside')).not.toThrow();
  });

  it('takes every HeadersInit form', () => {
    const forms: ConstructorParameters<typeof Headers>[0][] = [
      { 'Content-Type': 'text/plain', 'x-a': '1' },
      [
        ['Content-Type', 'text/plain'],
        ['x-a', '1'],
        ['set-cookie', 'a=1'],
      ],
      new Headers([['x-a', '1'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]),
    ];
    for (const init of forms) expect([...new ResponseHeaders(init)]).toEqual([...new Headers(init)]);
    expect(() => new ResponseHeaders([['only-a-name']])).toThrow(TypeError);
  });
});

describe('gateway responses', () => {
  it('read like Fetch responses: status, ok, headers and the body once', async () => {
    const r = textResponse('{"a":1}', { status: 201, headers: { 'Content-Type': 'application/json' } });
    expect([r.status, r.ok, r.statusText, r.type, r.redirected, r.url]).toEqual([201, true, '', 'default', false, '']);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.bodyUsed).toBe(false);
    expect(await r.json()).toEqual({ a: 1 });
    expect(r.bodyUsed).toBe(true);
    await expect(r.text()).rejects.toThrow(TypeError);
    const bad = textResponse('oops', { status: 503 });
    expect(bad.ok).toBe(false);
    expect(() => textResponse('', { status: 99 })).toThrow(RangeError);
  });

  it('give their body as a web stream, as text, bytes and a Blob', async () => {
    const streamed = streamResponse(arraySource(['data: 1\n\n', 'data: 2\n\n']), { headers: { 'content-type': 'text/event-stream' } });
    const chunks: string[] = [];
    for await (const chunk of streamed.body!) chunks.push(Buffer.from(chunk).toString());
    expect(chunks.join('')).toBe('data: 1\n\ndata: 2\n\n');
    expect(new TextDecoder().decode(await textResponse('h\u00e9', {}).arrayBuffer())).toBe('h\u00e9');
    const blob = await textResponse('x', { headers: { 'content-type': 'text/plain' } }).blob();
    expect([blob.type, await blob.text()]).toEqual(['text/plain', 'x']);
    // text() after someone took the stream reads what the stream has.
    const again = streamResponse(arraySource(['a', 'b']), {});
    void again.body;
    expect(await again.text()).toBe('ab');
  });

  it('clone: both copies read the whole body', async () => {
    const text = textResponse('same', { status: 202, headers: { 'x-a': '1' } });
    const copy = text.clone();
    expect([await copy.text(), await text.text(), copy.status, copy.headers.get('x-a')]).toEqual(['same', 'same', 202, '1']);
    const streamed = streamResponse(arraySource(['p1', 'p2']), { headers: { 'x-b': '2' } });
    const twin = streamed.clone();
    expect([await twin.text(), await streamed.text(), twin.headers.get('x-b')]).toEqual(['p1p2', 'p1p2', '2']);
    expect(() => text.clone()).toThrow(TypeError);
  });

  it('hand the Node adapter their text and header record directly', () => {
    const r = textResponse('t', { headers: { 'X-A': '1' } });
    r.headers.set('x-b', '2');
    expect(textOf(r)).toBe('t');
    expect({ ...headerRecordOf(r) }).toEqual({ 'x-a': '1', 'x-b': '2' });
    r.headers.append('set-cookie', 'a=1');
    expect(headerRecordOf(r)).toBeUndefined();
    expect(headerRecordOf(new Response('x'))).toBeUndefined();
  });
});
