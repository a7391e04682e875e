/** Scenarios for the providers section. */
import { describe } from 'vitest';
import { makePlan } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const mistral = {
  type: 'openai-compatible' as const,
  name: 'mistral',
  models: null,
  timeoutMs: null,
  baseUrl: 'https://api.mistral.ai/v1',
  apiKey: { secret: 'sluice/mistral', field: null, env: null },
  streamUsage: true,
};

describe('diff: providers', () => {
  runScenarios([
    {
      name: 'a new provider raises spend',
      head: makePlan({ providers: { mistral } }),
      changes: [ch('providers', 'provider mistral', 'added', 'provider mistral: added (openai-compatible at https://api.mistral.ai/v1)', ['raises-spend'])],
    },
    {
      name: 'a removed provider is neutral',
      base: makePlan({ providers: { mistral } }),
      head: makePlan(),
      changes: [ch('providers', 'provider mistral', 'removed', 'provider mistral: removed')],
    },
    {
      name: 'base URL from https to http loosens security',
      head: makePlan({ providers: { openai: { baseUrl: 'http://proxy.internal/v1' } } }),
      changes: [ch('providers', 'provider openai', 'changed', 'provider openai: base URL https://api.openai.com/v1 → http://proxy.internal/v1', ['loosens-security'])],
    },
    {
      name: 'a credential reference change prints names, never values',
      head: makePlan({ providers: { openai: { apiKey: { secret: 'sluice/openai-v2', field: 'key', env: null } } } }),
      changes: [ch('providers', 'provider openai', 'changed', 'provider openai: API key secret sluice/openai, env OPENAI_API_KEY → secret sluice/openai-v2 (field key)')],
    },
    {
      name: 'default max tokens raised raises spend',
      head: makePlan({ providers: { anthropic: { defaultMaxTokens: 8192 } } }),
      changes: [ch('providers', 'provider anthropic', 'changed', 'provider anthropic: default max tokens 4096 → 8192', ['raises-spend'])],
    },
    {
      name: 'model allow-list and region changes are neutral',
      head: makePlan({ providers: { openai: { models: null }, bedrock: { region: null } } }),
      changes: [
        ch('providers', 'provider bedrock', 'changed', "provider bedrock: region us-east-1 → the gateway's region"),
        ch('providers', 'provider openai', 'changed', 'provider openai: models gpt-4o, gpt-4o-mini, text-embedding-3-small → any'),
      ],
    },
    {
      name: 'a provider timeout is neutral here (routes report their targets)',
      head: makePlan({ providers: { bedrock: { timeoutMs: 30_000 } } }),
      changes: [ch('providers', 'provider bedrock', 'changed', 'provider bedrock: timeout set by routes → 30s')],
    },
  ]);
});
