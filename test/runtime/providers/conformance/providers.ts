/**
 * One configured provider per type for the conformance suite, with fixed keys and
 * endpoints that the transcripts' URLs and headers refer to.
 */
import type { PlanProvider } from '../../../../runtime/plan.ts';
import type { ConformingType } from './types.ts';

const base = { models: null, timeoutMs: null };
const key = (secret: string) => ({ secret, field: null, env: null });

/** The API key each provider is called with in the transcripts. */
export const TEST_KEYS: Readonly<Record<ConformingType, string | null>> = {
  openai: 'sk-test-openai',
  'openai-compatible': 'together-test-key',
  'azure-openai': 'azure-test-key',
  anthropic: 'sk-ant-test',
  gemini: 'gemini-test-key',
  bedrock: null,
};

/** The provider of each type. */
export const PROVIDERS: Readonly<Record<ConformingType, PlanProvider>> = {
  openai: { ...base, type: 'openai', name: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: key('sluice/openai'), organization: null, project: null },
  'openai-compatible': { ...base, type: 'openai-compatible', name: 'together', baseUrl: 'https://api.together.xyz/v1', apiKey: key('sluice/groq'), streamUsage: true },
  'azure-openai': {
    ...base,
    type: 'azure-openai',
    name: 'azure',
    endpoint: 'https://acme.openai.azure.com',
    apiVersion: '2024-10-21',
    apiKey: key('sluice/azure'),
    deployments: { 'gpt-4o': 'gpt-4o-prod', 'text-embedding-3-small': 'embed-small' },
  },
  anthropic: { ...base, type: 'anthropic', name: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: key('sluice/anthropic'), version: '2023-06-01', defaultMaxTokens: 4096 },
  gemini: { ...base, type: 'gemini', name: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta', apiKey: key('sluice/gemini') },
  bedrock: { ...base, type: 'bedrock', name: 'bedrock', region: 'us-east-1' },
};

/** Fixed facts every transcript assumes. */
export const CALL = { created: 1_764_000_000, requestId: 'req-conformance-1' } as const;
