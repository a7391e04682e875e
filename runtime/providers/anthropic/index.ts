/**
 * The Anthropic provider adapter: OpenAI chat completions translated to and from the Messages
 * API, the Messages API passed through for clients that speak it, and native URLs. Anthropic
 * has no embeddings API. The translation rules are in docs/decisions.md ("Provider: Anthropic").
 * @module
 */
import type { PlanProviderAnthropic } from '../../plan.ts';
import type { ProviderAdapter } from '../types.ts';
import { anthropicError } from './errors.ts';
import { messagesApi, nativeApi } from './native.ts';
import { chatRequest } from './request.ts';
import { chatResponse } from './response.ts';
import { chatStream } from './stream.ts';

/** Anthropic. */
export const anthropicAdapter: ProviderAdapter<PlanProviderAnthropic> = {
  type: 'anthropic',
  chat: { request: chatRequest, response: chatResponse, stream: chatStream },
  apis: { messages: messagesApi },
  embeddings: null,
  native: nativeApi,
  error: anthropicError,
  transport: () => null,
};
