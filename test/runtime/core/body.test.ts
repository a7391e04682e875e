/**
 * readJsonBody over both request kinds `handle` is given: the Node adapter's NodeRequest and a
 * Fetch Request (the Lambda adapter's). The size limit counts UTF-8 bytes, not characters.
 */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestedDeeperThan, readJsonBody } from '../../../runtime/core/body.ts';
import { GatewayError } from '../../../runtime/core/errors.ts';
import type { GatewayRequest } from '../../../runtime/core/request.ts';
import { Stop } from '../../../runtime/core/stop.ts';
import { NodeRequest } from '../../../runtime/node/request.ts';

const MAX_KB = 1;

const kinds: ReadonlyArray<[string, (bytes: Buffer) => GatewayRequest]> = [
  ['NodeRequest', (bytes) => new NodeRequest('POST', 'http://localhost/v1/chat/completions', {}, bytes, new Stop())],
  ['Fetch Request', (bytes) => new Request('http://localhost/v1/chat/completions', { method: 'POST', body: bytes, signal: new AbortController().signal })],
];

async function codeOf(request: GatewayRequest): Promise<string> {
  try {
    await readJsonBody(request, MAX_KB);
    return 'ok';
  } catch (error) {
    return error instanceof GatewayError ? error.code : 'thrown';
  }
}

/** A JSON object of exactly `bytes` UTF-8 bytes whose `s` is made of `char`. */
function bodyOf(bytes: number, char: string): Buffer {
  const shell = Buffer.byteLength('{"s":""}');
  const each = Buffer.byteLength(char);
  const pad = (bytes - shell) % each;
  return Buffer.from(`{"s":"${char.repeat(Math.floor((bytes - shell) / each))}${' '.repeat(pad)}"}`);
}

describe.each(kinds)('readJsonBody over a %s', (_kind, make) => {
  it('reads a JSON object, and one behind a UTF-8 byte-order mark', async () => {
    expect(await readJsonBody(make(Buffer.from('{"model":"m"}')), MAX_KB)).toEqual({ model: 'm' });
    expect(await readJsonBody(make(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"model":"é"}')])), MAX_KB)).toEqual({ model: 'é' });
  });

  it('counts bytes, not characters: 1024 bytes pass, 1025 do not, in ASCII and in 2- and 3-byte characters', async () => {
    for (const char of ['x', 'é', '€']) {
      expect(bodyOf(1024, char).byteLength).toBe(1024);
      expect(await codeOf(make(bodyOf(1024, char)))).toBe('ok');
      expect(await codeOf(make(bodyOf(1025, char)))).toBe('request_too_large');
    }
    // 400 three-byte characters are 400 UTF-16 units but 1200 bytes.
    expect(await codeOf(make(Buffer.from(`{"s":"${'€'.repeat(400)}"}`)))).toBe('request_too_large');
  });

  it('says what is wrong with an empty body, a non-object and invalid JSON', async () => {
    expect(await codeOf(make(Buffer.alloc(0)))).toBe('invalid_json');
    expect(await codeOf(make(Buffer.from('[1]')))).toBe('invalid_json');
    expect(await codeOf(make(Buffer.from('{"a":')))).toBe('invalid_json');
  });

  it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} levels, and reads one at the limit`, async () => {
    const nested = (depth: number): Buffer => Buffer.from(`{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`);
    expect(await codeOf(make(nested(MAX_JSON_DEPTH)))).toBe('ok');
    expect(await codeOf(make(nested(MAX_JSON_DEPTH + 1)))).toBe('invalid_json');
  });
});

describe('nestedDeeperThan', () => {
  const deep = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));
  it('counts levels of arrays and objects; strings, width and scalars do not add up', () => {
    expect(nestedDeeperThan(deep(5), 4)).toBe(true);
    expect(nestedDeeperThan(deep(4), 4)).toBe(false);
    expect(nestedDeeperThan(JSON.parse(`${'{"k":'.repeat(5)}1${'}'.repeat(5)}`), 4)).toBe(true);
    expect(nestedDeeperThan(JSON.parse(`${'{"k":'.repeat(4)}1${'}'.repeat(4)}`), 4)).toBe(false);
    expect(nestedDeeperThan({ s: '[[[[[[[[{{{{{{', t: 'a\\"[[[[[[[[[' }, 1)).toBe(false);
    expect(nestedDeeperThan([['"]]]]]]', [[['x']]]]], 4)).toBe(true);
    expect(nestedDeeperThan(Array.from({ length: 50 }, () => [[1]]), 3)).toBe(false);
    // Mixed: the deepest branch counts, wherever it is.
    expect(nestedDeeperThan({ a: [1, 2], b: { c: [{ d: [[]] }] } }, 5)).toBe(true);
    expect(nestedDeeperThan({ a: [1, 2], b: { c: [{ d: [[]] }] } }, 6)).toBe(false);
    for (const scalar of [null, 1, 'x', true]) expect(nestedDeeperThan(scalar, 0)).toBe(false);
  });

  it('handles far deeper nesting than the stack would, without recursion', () => {
    expect(nestedDeeperThan(deep(500_000), MAX_JSON_DEPTH)).toBe(true);
  });
});
