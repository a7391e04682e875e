/**
 * Provider type → adapter.
 * @module
 */
import type { PlanProvider, ProviderType } from '../plan.ts';
import { anthropicAdapter } from './anthropic/index.ts';
import { azureOpenaiAdapter } from './azure-openai/index.ts';
import { bedrockAdapter } from './bedrock/index.ts';
import { geminiAdapter } from './gemini/index.ts';
import { mockAdapter } from './mock/index.ts';
import { openaiCompatibleAdapter } from './openai-compatible/index.ts';
import { openaiAdapter } from './openai/index.ts';
import type { ProviderAdapter } from './types.ts';

const ADAPTERS: Record<ProviderType, ProviderAdapter<never>> = {
  openai: openaiAdapter as ProviderAdapter<never>,
  'openai-compatible': openaiCompatibleAdapter as ProviderAdapter<never>,
  'azure-openai': azureOpenaiAdapter as ProviderAdapter<never>,
  anthropic: anthropicAdapter as ProviderAdapter<never>,
  bedrock: bedrockAdapter as ProviderAdapter<never>,
  gemini: geminiAdapter as ProviderAdapter<never>,
  mock: mockAdapter as ProviderAdapter<never>,
};

/** The adapter of a provider, or null when this build has none for its type yet. */
export function adapterFor<P extends PlanProvider>(provider: P): ProviderAdapter<P> | null {
  return (ADAPTERS[provider.type] as ProviderAdapter<P> | undefined) ?? null;
}
