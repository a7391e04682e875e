/**
 * The Anthropic provider adapter. (Placeholder until it lands: every call is refused with a clear
 * error, so specs that name Anthropic targets validate, deploy and fall back.)
 * @module
 */
import type { PlanProviderAnthropic } from '../../plan.ts';
import { failure } from '../../routing/failure.ts';
import { UnsupportedInput, type ProviderAdapter } from '../types.ts';

const refuse = (): never => {
  throw new UnsupportedInput('this gateway build cannot call Anthropic yet');
};

/** Anthropic. */
export const anthropicAdapter: ProviderAdapter<PlanProviderAnthropic> = {
  type: 'anthropic',
  chat: { request: refuse, response: () => ({ ok: false, failure: failure('server', 'not_supported', 'not supported') }), stream: refuse },
  embeddings: null,
  native: null,
  error: (status) => failure('server', 'not_supported', `unexpected answer ${status}`),
  transport: () => null,
};
