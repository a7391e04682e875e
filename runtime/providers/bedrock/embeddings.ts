/** Embeddings through InvokeModel for Titan Text Embeddings (one call per input) and Cohere Embed (96 texts a call). */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type JsonObject, type Usage } from '../../openai/types.ts';
import type { PlanProviderBedrock } from '../../plan.ts';
import type { CallInput, ParsedResponse } from '../types.ts';
import { malformed } from './chat-response.ts';
import { absent, unsupported } from './input.ts';
import { bedrockUrl } from './url.ts';

/** Embedding model families Bedrock serves through InvokeModel. */
export type EmbeddingFamily = 'titan-v2' | 'titan-v1' | 'cohere';

/** Texts per Cohere Embed call (the model's documented maximum). */
export const COHERE_BATCH = 96;
/** Output sizes Titan Text Embeddings V2 takes. */
const TITAN_V2_DIMENSIONS = new Set([256, 512, 1024]);
const FIELDS = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);

/** The family of a model id (foundation model, inference profile `us.…` or ARN), or null. */
export function familyOf(modelId: string): EmbeddingFamily | null {
  const id = modelId.slice(modelId.lastIndexOf('/') + 1).replace(/^(?:us|eu|apac|jp|au|ca|us-gov|global)\./, '');
  if (id.startsWith('amazon.titan-embed-text-v2')) return 'titan-v2';
  if (id.startsWith('amazon.titan-embed-text-v1') || id.startsWith('amazon.titan-embed-g1-text')) return 'titan-v1';
  if (id.startsWith('cohere.embed-')) return 'cohere';
  return null;
}

function inputs(body: JsonObject): string[] {
  const input = body.input;
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((t): t is string => typeof t === 'string')) return input;
  return unsupported('Bedrock embeddings take "input" as a string or a list of strings (token arrays are not supported)');
}

/** The InvokeModel bodies for an embeddings request. */
export function invokeBodies(model: string, body: JsonObject): JsonObject[] {
  for (const [key, value] of Object.entries(body)) if (!FIELDS.has(key) && !absent(value)) unsupported(`"${key}" is not supported by Bedrock embeddings`);
  if (!absent(body.encoding_format) && body.encoding_format !== 'float' && body.encoding_format !== 'base64') unsupported('encoding_format must be "float" or "base64"');
  const family = familyOf(model);
  if (family === null) return unsupported(`model ${model}: Bedrock embeddings support Amazon Titan Text Embeddings and Cohere Embed models`);
  const texts = inputs(body);
  const dims = body.dimensions;
  if (!absent(dims) && (family !== 'titan-v2' || typeof dims !== 'number' || !TITAN_V2_DIMENSIONS.has(dims))) {
    return unsupported(family === 'titan-v2' ? 'dimensions must be 256, 512 or 1024 for Titan Text Embeddings V2' : `dimensions is not supported by ${model}`);
  }
  if (family !== 'cohere') return texts.map((inputText) => (absent(dims) ? { inputText } : { inputText, dimensions: dims }));
  const out: JsonObject[] = [];
  for (let i = 0; i < texts.length; i += COHERE_BATCH) out.push({ texts: texts.slice(i, i + COHERE_BATCH), input_type: 'search_document' });
  return out;
}

/**
 * The upstream request for an embeddings call: its body is the JSON list of InvokeModel bodies,
 * which the transport runs a few at a time, answering with the list of their answers.
 */
export function embeddingsRequest(input: CallInput<PlanProviderBedrock>): UpstreamRequest {
  return {
    url: bedrockUrl(input.provider, input.model, 'invoke'),
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(invokeBodies(input.model, input.body)),
  };
}

const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/** Vectors (and reported tokens) of one InvokeModel answer, or null when it has none. */
function vectorsOf(family: EmbeddingFamily, answer: unknown): { vectors: number[][]; tokens: number | null } | null {
  if (!isObject(answer)) return null;
  if (family !== 'cohere') {
    if (!numbers(answer.embedding)) return null;
    return { vectors: [answer.embedding], tokens: typeof answer.inputTextTokenCount === 'number' ? answer.inputTextTokenCount : null };
  }
  // `embeddings_floats` answers hold a list; `embeddings_by_type` ones (embedding_types set) an object of lists.
  const list = isObject(answer.embeddings) ? answer.embeddings.float : answer.embeddings;
  if (!Array.isArray(list) || !list.every(numbers)) return null;
  return { vectors: list, tokens: null };
}

/** Little-endian float32 bytes in base64, as OpenAI answers `encoding_format: "base64"`. */
function base64Vector(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Parses the transport's list of InvokeModel answers into OpenAI's embeddings list. */
export function embeddingsResponse(body: unknown, input: CallInput<PlanProviderBedrock>): ParsedResponse<JsonObject> {
  const family = familyOf(input.model);
  if (family === null || !Array.isArray(body)) return { ok: false, failure: malformed('Bedrock answered with an unexpected body.') };
  const vectors: number[][] = [];
  let tokens: number | null = 0;
  for (const answer of body) {
    const v = vectorsOf(family, answer);
    if (!v) return { ok: false, failure: malformed('Bedrock answered with an unexpected embeddings body.') };
    vectors.push(...v.vectors);
    tokens = tokens === null || v.tokens === null ? null : tokens + v.tokens;
  }
  const base64 = input.body.encoding_format === 'base64';
  const data = vectors.map((embedding, index) => ({ object: 'embedding', index, embedding: base64 ? base64Vector(embedding) : embedding }));
  // Cohere Embed reports no token count: the body carries an estimate (4 characters a token) and the record says estimated.
  const counted = tokens ?? Math.ceil(inputs(input.body).reduce((n, t) => n + t.length, 0) / 4);
  const usage: Usage | null = tokens === null ? null : { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens };
  return { ok: true, value: { object: 'list', data, model: input.model, usage: { prompt_tokens: counted, total_tokens: counted } }, usage };
}
