/**
 * OpenAI embeddings → `batchEmbedContents` and back: inputs, dimensions, float and base64
 * encodings, the usage estimate, and what is refused.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { geminiAdapter } from '../../../../runtime/providers/gemini/index.ts';
import { UnsupportedInput } from '../../../../runtime/providers/types.ts';
import { call, embedReq, KEY } from './support.ts';

const parse = (body: unknown, req: JsonObject) => geminiAdapter.embeddings!.response(body, call(req, 'gemini-embedding-001'));

describe('request', () => {
  it('one request per input, at :batchEmbedContents, with outputDimensionality from dimensions', () => {
    const r = embedReq({ input: ['a', 'bb'], dimensions: 256 });
    expect(r.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(r.headers['x-goog-api-key']).toBe(KEY);
    expect(JSON.parse(r.body as string)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 256 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'bb' }] }, outputDimensionality: 256 },
      ],
    });
  });

  it('a single string is one request', () => {
    expect(JSON.parse(embedReq({ input: 'solo', encoding_format: 'float', user: 'u' }).body as string)).toEqual({
      requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'solo' }] } }],
    });
  });

  it('refuses token arrays, unknown encodings and parameters', () => {
    expect(() => embedReq({ input: [1, 2, 3] })).toThrow(UnsupportedInput);
    expect(() => embedReq({ input: [[1, 2]] })).toThrow(/not tokens/);
    expect(() => embedReq({ input: 'x', encoding_format: 'int8' })).toThrow(/encoding_format/);
    expect(() => embedReq({ input: 'x', truncate: 'END' })).toThrow(/"truncate"/);
  });
});

describe('response', () => {
  const body = { embeddings: [{ values: [0.25, -0.5] }, { values: [1, 0] }] };

  it('OpenAI’s list shape with an estimated usage (Gemini reports none)', () => {
    const r = parse(body, { input: ['abcd', 'efghi'] });
    expect(r).toEqual({
      ok: true,
      value: {
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: [0.25, -0.5] },
          { object: 'embedding', index: 1, embedding: [1, 0] },
        ],
        model: 'gemini-embedding-001',
        usage: { prompt_tokens: 3, total_tokens: 3 },
      },
      usage: { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 },
    });
  });

  it('base64 is little-endian float32, as the OpenAI SDKs decode it', () => {
    const r = parse(body, { input: ['abcd', 'efghi'], encoding_format: 'base64' });
    if (!r.ok) throw new Error('expected an answer');
    const first = (r.value.data as { embedding: string }[])[0]!.embedding;
    const buf = Buffer.from(first, 'base64');
    expect([buf.readFloatLE(0), buf.readFloatLE(4)]).toEqual([0.25, -0.5]);
  });

  it('bodies without values, and error bodies, are failures', () => {
    expect(parse({ embeddings: [{}] }, { input: 'x' })).toMatchObject({ ok: false, failure: { class: 'server', code: 'upstream_malformed' } });
    expect(parse({}, { input: 'x' })).toMatchObject({ ok: false, failure: { class: 'server' } });
    expect(parse({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } }, { input: 'x' })).toMatchObject({ ok: false, failure: { class: 'rate_limited' } });
  });
});
