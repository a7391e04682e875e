/** Deterministic fake embeddings in OpenAI's `list` shape, as floats or base64 float32. */
import type OpenAI from 'openai';
import { estimateTokens, isRecord } from './shapes.ts';
import type { EmbeddingsOptions, RequestRecord } from './types.ts';

/** The inputs of an embeddings request as texts (token arrays become their JSON). */
export function embeddingInputs(body: unknown): string[] {
  const input = isRecord(body) ? body['input'] : undefined;
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((x) => typeof x === 'number')) return [JSON.stringify(input)];
  return input.map((x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)));
}

/** A unit-length float32-exact vector derived from `text` alone (same text, same vector). */
export function fakeEmbedding(text: string, dims: number): number[] {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const raw: number[] = [];
  for (let i = 0; i < dims; i++) {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    raw.push(h / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((x) => Math.fround(x / norm));
}

/** Base64 of the vector as little-endian float32, the SDK's default `encoding_format`. */
function toBase64(vector: readonly number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

/** OpenAI's embeddings body as sent on the wire, where base64 requests get strings. */
export type EmbeddingsWire = Omit<OpenAI.CreateEmbeddingResponse, 'data'> & {
  data: Array<Omit<OpenAI.Embedding, 'embedding'> & { embedding: number[] | string }>;
};

/** The body of an embeddings reply to `req`. */
export function embeddingsResponse(req: RequestRecord, options: EmbeddingsOptions): EmbeddingsWire {
  const body = isRecord(req.body) ? req.body : {};
  const requested = typeof body['dimensions'] === 'number' ? body['dimensions'] : undefined;
  const dims = options.dims ?? requested ?? 8;
  const base64 = body['encoding_format'] === 'base64';
  const inputs = embeddingInputs(req.body);
  const prompt = options.usage?.prompt_tokens ?? inputs.reduce((n, t) => n + estimateTokens(t), 0);
  return {
    object: 'list',
    data: inputs.map((text, index) => {
      const vector = fakeEmbedding(text, dims);
      return { object: 'embedding' as const, index, embedding: base64 ? toBase64(vector) : vector };
    }),
    model: options.model ?? req.model ?? 'unknown-model',
    usage: { prompt_tokens: prompt, total_tokens: options.usage?.total_tokens ?? prompt },
  };
}
