/** Gemini API JSON the fake sends: generated answers, stream events, errors, embeddings. */
import { fakeEmbedding } from '../fake-upstream/embeddings.ts';
import type { FunctionCallSpec, GoogleErrorSpec, ReplyOptions, UsageSpec } from './types.ts';

type Json = Record<string, unknown>;

/** Canonical statuses by HTTP status, as Google answers them. */
const STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Narrows to a plain object. */
export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rough tokens: a quarter of the characters. */
function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The answer text of a reply (default `Hello from <name>`), null for calls only. */
export function replyText(options: ReplyOptions, name: string): string | null {
  if (options.chunks) return options.chunks.join('');
  if (options.text === null) return null;
  return options.text ?? (options.functionCalls?.length ? null : `Hello from ${name}`);
}

/** Text split before each word: `'a b c'` → `['a', ' b', ' c']`. */
export function pieces(options: ReplyOptions, text: string | null): string[] {
  if (options.chunks) return [...options.chunks];
  if (text === null || text === '') return [];
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

/** A `functionCall` part. */
export function callPart(c: FunctionCallSpec): Json {
  return { functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: c.args ?? {} }, ...(c.thoughtSignature ? { thoughtSignature: c.thoughtSignature } : {}) };
}

/** `usageMetadata` with missing counts estimated from the request and the answer. */
export function usageMetadata(requestBody: unknown, text: string | null, calls: readonly FunctionCallSpec[], given: UsageSpec = {}, final = true): Json {
  const prompt = given.promptTokenCount ?? Math.max(1, tokens(JSON.stringify(isRecord(requestBody) ? (requestBody.contents ?? '') : '')));
  if (!final) return { promptTokenCount: prompt, totalTokenCount: prompt };
  const candidates = given.candidatesTokenCount ?? tokens((text ?? '') + calls.map((c) => c.name + JSON.stringify(c.args ?? {})).join(''));
  const thoughts = given.thoughtsTokenCount;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    ...(given.cachedContentTokenCount !== undefined ? { cachedContentTokenCount: given.cachedContentTokenCount } : {}),
    ...(thoughts !== undefined ? { thoughtsTokenCount: thoughts } : {}),
    totalTokenCount: given.totalTokenCount ?? prompt + candidates + (thoughts ?? 0),
  };
}

/** One GenerateContentResponse (a whole answer, or one stream event). */
export function response(model: string, parts: readonly Json[], finishReason: string | null, usage: Json): Json {
  const candidate: Json = { content: { parts, role: 'model' }, index: 0 };
  if (finishReason !== null) candidate.finishReason = finishReason;
  return { candidates: [candidate], usageMetadata: usage, modelVersion: model, responseId: 'fake-response-id' };
}

/** Safety ratings with one category rated high and blocked. */
export function ratings(blocked: boolean): Json[] {
  return ['HARM_CATEGORY_SEXUALLY_EXPLICIT', 'HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_DANGEROUS_CONTENT'].map((category, i) => ({
    category,
    probability: i === 3 && blocked ? 'HIGH' : 'NEGLIGIBLE',
    ...(i === 3 && blocked ? { blocked: true } : {}),
  }));
}

/** Google's error body for an HTTP status. */
export function googleError(status: number, spec: GoogleErrorSpec = {}): Json {
  const name = spec.status ?? STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
  const details = [...(spec.details ?? []), ...(spec.retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: spec.retryDelay }] : [])];
  return { error: { code: status, message: spec.message ?? `fake ${name}`, status: name, ...(details.length > 0 ? { details } : {}) } };
}

/** Google's answer to a refused key (a 400, not a 401). */
export function badKey(): Json {
  return googleError(400, {
    message: 'API key not valid. Please pass a valid API key.',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }],
  });
}

/** The texts of a `batchEmbedContents` or `embedContent` body, with `outputDimensionality`. */
function embedRequests(body: unknown): { text: string; dims: number | null }[] {
  const one = (r: unknown) => {
    const parts = isRecord(r) && isRecord(r.content) && Array.isArray(r.content.parts) ? r.content.parts : [];
    const text = parts.map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
    return { text, dims: isRecord(r) && typeof r.outputDimensionality === 'number' ? r.outputDimensionality : null };
  };
  if (isRecord(body) && Array.isArray(body.requests)) return body.requests.map(one);
  return [one(body)];
}

/** Deterministic embeddings (the fake-upstream vectors) for a batch or single request. */
export function embeddings(body: unknown, batch: boolean, dims: number | null): Json {
  const vectors = embedRequests(body).map((r) => ({ values: fakeEmbedding(r.text, dims ?? r.dims ?? 8) }));
  return batch ? { embeddings: vectors } : { embedding: vectors[0] };
}
