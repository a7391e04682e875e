/** Shared inputs for the Bedrock unit tests. */
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import type { PlanProviderBedrock } from '../../../../runtime/plan.ts';
import type { CallInput } from '../../../../runtime/providers/types.ts';

/** A Bedrock provider in us-east-1. */
export const PROVIDER: PlanProviderBedrock = { type: 'bedrock', name: 'bedrock', region: 'us-east-1', models: null, timeoutMs: null };
/** The model most tests use. */
export const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

/** A call input for `body` (model set). */
export function call(body: JsonObject, model = MODEL, provider: PlanProviderBedrock = PROVIDER): CallInput<PlanProviderBedrock> {
  return { provider, model, body: { ...body, model }, apiKey: null, headers: {}, created: 1_764_000_000, requestId: 'req-1' };
}

/** The JSON body of a request. */
export function bodyOf(body: string | Uint8Array | null): JsonObject {
  return JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body ?? new Uint8Array())) as JsonObject;
}
