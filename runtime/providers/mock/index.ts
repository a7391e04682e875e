/**
 * The mock provider: OpenAI's wire format served by an in-process transport, for
 * `sluice dev`, examples and tests. It costs nothing and needs no key.
 * @module
 */
import type { PlanProviderMock } from '../../plan.ts';
import { chatRequest, chatResponse, chatStream } from '../openai/chat.ts';
import { openaiError } from '../openai/errors.ts';
import { embeddingsRequest, embeddingsResponse } from '../openai/index.ts';
import type { ProviderAdapter } from '../types.ts';
import { mockTransport } from './transport.ts';

const transports = new WeakMap<PlanProviderMock, ReturnType<typeof mockTransport>>();

/** The mock provider. */
export const mockAdapter: ProviderAdapter<PlanProviderMock> = {
  type: 'mock',
  chat: {
    request: (input) => chatRequest({ url: `mock://${input.provider.name}/chat/completions`, headers: input.headers, streamUsage: true }, input.body),
    response: chatResponse,
    stream: (input) => chatStream(input.body),
  },
  embeddings: {
    request: (input) => embeddingsRequest(`mock://${input.provider.name}/embeddings`, input.headers, input.body),
    response: embeddingsResponse,
  },
  native: null,
  error: openaiError,
  transport: (provider) => {
    let t = transports.get(provider);
    if (!t) {
      t = mockTransport(provider);
      transports.set(provider, t);
    }
    return t;
  },
};
