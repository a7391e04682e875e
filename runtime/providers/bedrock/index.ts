/**
 * The Bedrock provider adapter. (Placeholder until it lands: every call is refused with a clear
 * error, so specs that name Bedrock targets validate, deploy and fall back.)
 * @module
 */
import type { PlanProviderBedrock } from '../../plan.ts';
import { failure } from '../../routing/failure.ts';
import { UnsupportedInput, type ProviderAdapter } from '../types.ts';

const refuse = (): never => {
  throw new UnsupportedInput('this gateway build cannot call Bedrock yet');
};

/** Bedrock. */
export const bedrockAdapter: ProviderAdapter<PlanProviderBedrock> = {
  type: 'bedrock',
  chat: { request: refuse, response: () => ({ ok: false, failure: failure('server', 'not_supported', 'not supported') }), stream: refuse },
  embeddings: null,
  native: null,
  error: (status) => failure('server', 'not_supported', `unexpected answer ${status}`),
  transport: () => null,
};
