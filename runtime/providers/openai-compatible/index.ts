/**
 * Any OpenAI-compatible server (Groq, Mistral, Together, DeepSeek, OpenRouter, vLLM,
 * Ollama): the OpenAI adapter with its own base URL, an optional key, and usage in
 * streams only when the server accepts `stream_options`.
 * @module
 */
import type { PlanProviderOpenaiCompatible } from '../../plan.ts';
import { chatRequest, chatResponse, chatStream, type OpenaiTarget } from '../openai/chat.ts';
import { openaiError } from '../openai/errors.ts';
import { embeddingsRequest, embeddingsResponse } from '../openai/index.ts';
import type { CallInput, ProviderAdapter } from '../types.ts';
import { merged } from '../../merged.ts';

function auth(apiKey: string | null): Record<string, string> {
  return apiKey === null ? {} : { authorization: `Bearer ${apiKey}` };
}

function target(input: CallInput<PlanProviderOpenaiCompatible>, path: string): OpenaiTarget {
  return { url: `${input.provider.baseUrl}${path}`, headers: merged(input.headers, auth(input.apiKey)), streamUsage: input.provider.streamUsage };
}

/** An OpenAI-compatible server. */
export const openaiCompatibleAdapter: ProviderAdapter<PlanProviderOpenaiCompatible> = {
  type: 'openai-compatible',
  chat: {
    request: (input) => chatRequest(target(input, '/chat/completions'), input.body),
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
  native: { url: (p, path, search) => `${p.baseUrl}/${path}${search}`, headers: (_p, key) => auth(key) },
  error: openaiError,
  transport: () => null,
};
