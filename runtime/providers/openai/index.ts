/**
 * The OpenAI provider adapter, and the base the other OpenAI-compatible providers extend.
 * @module
 */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderOpenai } from '../../plan.ts';
import { failure } from '../../routing/failure.ts';
import type { CallInput, ParsedResponse, ProviderAdapter } from '../types.ts';
import { chatRequest, chatResponse, chatStream, withoutExtensions, type OpenaiTarget } from './chat.ts';
import { openaiError } from './errors.ts';
import { responsesApi } from './responses.ts';
import { merged } from '../../merged.ts';

/** Builds an embeddings request to an OpenAI-compatible `/embeddings` URL. */
export function embeddingsRequest(url: string, headers: Readonly<Record<string, string>>, body: JsonObject): UpstreamRequest {
  return { url, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** Checks an OpenAI embeddings answer. */
export function embeddingsResponse(body: unknown): ParsedResponse<JsonObject> {
  if (!isObject(body) || !Array.isArray(body.data)) {
    return { ok: false, failure: failure('server', 'upstream_malformed', 'the provider answered with an unexpected body', { maybeAccepted: true }) };
  }
  const usage = isObject(body.usage) && typeof body.usage.prompt_tokens === 'number' ? { prompt_tokens: body.usage.prompt_tokens, completion_tokens: 0, total_tokens: body.usage.prompt_tokens } : null;
  return { ok: true, value: body, usage };
}

function authHeaders(p: PlanProviderOpenai, apiKey: string | null): Record<string, string> {
  const h: Record<string, string> = {};
  if (apiKey !== null) h.authorization = `Bearer ${apiKey}`;
  if (p.organization !== null) h['openai-organization'] = p.organization;
  if (p.project !== null) h['openai-project'] = p.project;
  return h;
}

function target(input: CallInput<PlanProviderOpenai>, path: string): OpenaiTarget {
  return { url: `${input.provider.baseUrl}${path}`, headers: merged(input.headers, authHeaders(input.provider, input.apiKey)), streamUsage: true };
}

/** OpenAI's API. */
export const openaiAdapter: ProviderAdapter<PlanProviderOpenai> = {
  type: 'openai',
  chat: {
    request: (input) => chatRequest(target(input, '/chat/completions'), withoutExtensions(input.body)),
    response: chatResponse,
    stream: (input) => chatStream(input.body),
  },
  embeddings: {
    request: (input) => {
      const t = target(input, '/embeddings');
      return embeddingsRequest(t.url, t.headers, input.body);
    },
    response: embeddingsResponse,
  },
  native: {
    url: (p, path, search) => `${p.baseUrl}/${path}${search}`,
    headers: authHeaders,
  },
  apis: { responses: responsesApi(authHeaders) },
  error: openaiError,
  transport: () => null,
};
