/**
 * What the mock provider says: replies, embeddings and errors in OpenAI's wire format,
 * built from the request it received.
 * @module
 */
import { isObject, type JsonObject } from '../../openai/types.ts';

/** Rough token count of a text (4 characters a token), at least 1 for non-empty text. */
export function roughTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Text of the last user message, for the echo reply. */
export function lastUserText(body: JsonObject): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (isObject(m) && m.role === 'user') return contentText(m.content);
  }
  return '';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

/** Characters of every message, for the prompt token estimate. */
export function promptText(body: JsonObject): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.map((m: unknown) => (isObject(m) ? contentText(m.content) : '')).join('\n');
}

/** A full `chat.completion`. */
export function completion(id: string, model: string, created: number, text: string, promptTokens: number): JsonObject {
  const completionTokens = roughTokens(text);
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** The pieces a streamed reply is cut into: words with their following space. */
export function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** One `chat.completion.chunk`. */
export function chunk(id: string, model: string, created: number, delta: JsonObject, finish: string | null): JsonObject {
  return { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
}

/** The usage-only last chunk. */
export function usageChunk(id: string, model: string, created: number, promptTokens: number, text: string): JsonObject {
  const completionTokens = roughTokens(text);
  return { id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
}

/** Deterministic unit vectors for each input of an embeddings request. */
export function embeddings(body: JsonObject): JsonObject {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const dims = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.min(4096, Math.floor(body.dimensions)) : 16;
  const data = inputs.map((input: unknown, index: number) => ({ object: 'embedding', index, embedding: vector(String(input ?? ''), dims) }));
  const tokens = inputs.reduce((n: number, input: unknown) => n + roughTokens(String(input ?? '')), 0);
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

function vector(text: string, dims: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const v = Array.from({ length: dims }, (_, i) => Math.sin((h >>> 0) + i * 7919));
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

/** OpenAI's error body for a status the script asked for. */
export function errorBody(status: number): JsonObject {
  const kinds: Record<number, [string, string]> = {
    400: ['invalid_request_error', 'The mock provider was scripted to reject this request.'],
    401: ['authentication_error', 'The mock provider was scripted to refuse the key.'],
    429: ['rate_limit_exceeded', 'The mock provider was scripted to rate-limit this call.'],
    503: ['overloaded', 'The mock provider was scripted to be overloaded.'],
  };
  const [code, message] = kinds[status] ?? ['server_error', `The mock provider was scripted to fail with ${status}.`];
  return { error: { message, type: code, param: null, code } };
}
