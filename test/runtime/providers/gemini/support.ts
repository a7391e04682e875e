/**
 * Shared fixtures of the Gemini adapter tests: a provider, call inputs, and request builders
 * that check every URL they build for the key (it must travel only in `x-goog-api-key`).
 */
import { expect } from 'vitest';
import type { UpstreamRequest } from '../../../../runtime/http/types.ts';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import type { PlanProviderGemini } from '../../../../runtime/plan.ts';
import { geminiAdapter } from '../../../../runtime/providers/gemini/index.ts';
import type { CallInput } from '../../../../runtime/providers/types.ts';

/** A key shaped like a real one, so masking and URL checks have something to find. */
export const KEY = 'AIzaSyD-test-key-0123456789abcdefghij';

export const provider: PlanProviderGemini = {
  type: 'gemini',
  name: 'gem',
  models: null,
  timeoutMs: null,
  baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  apiKey: { secret: 'sluice/gemini', field: null, env: null },
};

/** A call input for `body` (model `gemini-2.5-flash` unless the body names one). */
export function call(body: JsonObject, model = 'gemini-2.5-flash'): CallInput<PlanProviderGemini> {
  return { provider, model, body: { model, ...body }, apiKey: KEY, headers: { 'user-agent': 'sluice-test' }, created: 1_700_000_000, requestId: 'req-1' };
}

/** Every request the tests built, for the "key never in a URL" check. */
export const built: UpstreamRequest[] = [];

function checked(req: UpstreamRequest): UpstreamRequest {
  built.push(req);
  expect(req.url).not.toContain(KEY);
  expect(new URL(req.url).searchParams.has('key')).toBe(false);
  expect(req.headers['x-goog-api-key']).toBe(KEY);
  return req;
}

/** Builds a chat request and checks its URL and key header. */
export function chatReq(body: JsonObject, model?: string): UpstreamRequest {
  return checked(geminiAdapter.chat.request(call(body, model)));
}

/** The JSON body of a chat request. */
export function chatBody(body: JsonObject, model?: string): JsonObject {
  return JSON.parse(chatReq(body, model).body as string) as JsonObject;
}

/** Builds an embeddings request and checks its URL and key header. */
export function embedReq(body: JsonObject, model = 'gemini-embedding-001'): UpstreamRequest {
  return checked(geminiAdapter.embeddings!.request(call(body, model)));
}

export const hi = [{ role: 'user', content: 'hi' }];
