/**
 * OpenAI `/v1/embeddings` to Gemini `:batchEmbedContents` (one request per input, so one
 * input or many take the same path), and the answer back to OpenAI's list shape.
 * @module
 */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderGemini } from '../../plan.ts';
import { UnsupportedInput, type CallInput, type ParsedResponse } from '../types.ts';
import { failureOfGoogle, googleErrorOf, malformed } from './errors.ts';
import { geminiHeaders, modelResource } from './request.ts';

const ACCEPTED = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

/** The texts of `input` (a string or a list of strings; token arrays cannot be sent to Gemini). */
export function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input as string[];
  throw new UnsupportedInput('Gemini embeds text: "input" must be a string or a list of strings (not tokens)');
}

function encodingOf(body: JsonObject): 'float' | 'base64' {
  const e = body.encoding_format;
  if (e === undefined || e === null || e === 'float') return 'float';
  if (e === 'base64') return 'base64';
  throw new UnsupportedInput(`the encoding_format ${JSON.stringify(e)} is not known`);
}

/** Builds the `:batchEmbedContents` request. */
export function embeddingsRequest(input: CallInput<PlanProviderGemini>): UpstreamRequest {
  const body = input.body;
  for (const [k, v] of Object.entries(body)) {
    if (!ACCEPTED.has(k) && v !== undefined && v !== null) throw new UnsupportedInput(`the parameter "${k}" cannot be sent to Gemini embeddings`);
  }
  encodingOf(body);
  const resource = modelResource(input.model);
  const dims = body.dimensions;
  const requests = embeddingInputs(body.input).map((text) => ({
    model: resource,
    content: { parts: [{ text }] },
    ...(dims !== undefined && dims !== null ? { outputDimensionality: dims } : {}),
  }));
  return {
    url: `${input.provider.baseUrl}/${resource}:batchEmbedContents`,
    method: 'POST',
    headers: geminiHeaders(input.apiKey, input.headers, 'application/json'),
    body: JSON.stringify({ requests }),
  };
}

/** Little-endian float32 bytes in base64, as OpenAI sends `encoding_format: "base64"`. */
function toBase64(values: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return Buffer.from(view.buffer).toString('base64');
}

/** Parses a `BatchEmbedContentsResponse` into OpenAI's embeddings list. */
export function embeddingsResponse(body: unknown, input: CallInput<PlanProviderGemini>): ParsedResponse<JsonObject> {
  const err = googleErrorOf(body);
  if (err) return { ok: false, failure: failureOfGoogle(err, null, { maybeAccepted: true }) };
  if (!isObject(body) || !Array.isArray(body.embeddings)) return { ok: false, failure: malformed('Gemini answered embeddings with an unexpected body.') };
  const base64 = encodingOf(input.body) === 'base64';
  const data: JsonObject[] = [];
  for (const [index, e] of body.embeddings.entries()) {
    const values = isObject(e) && Array.isArray(e.values) && e.values.every((v) => typeof v === 'number') ? (e.values as number[]) : null;
    if (values === null) return { ok: false, failure: malformed('Gemini answered an embedding without values.') };
    data.push({ object: 'embedding', index, embedding: base64 ? toBase64(values) : values });
  }
  // Gemini's embeddings answers carry no token counts, so the prompt tokens are an
  // estimate: four characters a token, the same rule the gateway uses for unreported usage.
  const chars = embeddingInputs(input.body.input).reduce((n, t) => n + t.length, 0);
  const tokens = Math.ceil(chars / 4);
  const value: JsonObject = { object: 'list', data, model: input.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  return { ok: true, value, usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens } };
}
