/**
 * The Gemini API adapter (generativelanguage.googleapis.com v1beta): chat completions over
 * `generateContent` / `streamGenerateContent?alt=sse`, embeddings over `batchEmbedContents`,
 * native pass-through. The API key always travels in `x-goog-api-key`, never in a URL.
 * @module
 */
import type { PlanProviderGemini } from '../../plan.ts';
import type { ProviderAdapter } from '../types.ts';
import { embeddingsRequest, embeddingsResponse } from './embeddings.ts';
import { geminiError } from './errors.ts';
import { chatRequest } from './request.ts';
import { chatResponse } from './response.ts';
import { chatStream } from './stream.ts';

/**
 * The query of a native call without any `key` parameter: a client's own `?key=` is not
 * passed on (the gateway's key goes in the header, and URLs can end up in logs).
 */
export function nativeSearch(search: string): string {
  if (search === '' || search === '?') return '';
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  if (!params.has('key')) return search;
  params.delete('key');
  const rest = params.toString();
  return rest === '' ? '' : `?${rest}`;
}

/** Gemini. */
export const geminiAdapter: ProviderAdapter<PlanProviderGemini> = {
  type: 'gemini',
  chat: { request: chatRequest, response: chatResponse, stream: chatStream },
  embeddings: { request: embeddingsRequest, response: embeddingsResponse },
  native: {
    url: (p, path, search) => `${p.baseUrl}/${path}${nativeSearch(search)}`,
    headers: (_p, apiKey): Record<string, string> => (apiKey !== null ? { 'x-goog-api-key': apiKey } : {}),
  },
  error: geminiError,
  transport: () => null,
};
