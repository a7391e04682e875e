/**
 * Token prices: the built-in table of list prices (USD per million tokens) and the
 * resolution order spec > built-in > free (mock). Budgets need a price for every model
 * they can reach; cost in logs comes from the same numbers.
 * @module
 */
import type { PlanPrice } from '../runtime/plan.ts';
import type { PriceSpec, ProviderSpec, Spec } from './spec.ts';

type Row = readonly [input: number, output: number, cachedInput?: number, cacheWrite?: number];

/**
 * Public list prices, USD per million tokens, as published by each vendor in November
 * 2025. They change: teams that budget on them should pin their own under `prices`.
 */
const OPENAI: Record<string, Row> = {
  'gpt-5': [1.25, 10, 0.125],
  'gpt-5-mini': [0.25, 2, 0.025],
  'gpt-5-nano': [0.05, 0.4, 0.005],
  'gpt-4.1': [2, 8, 0.5],
  'gpt-4.1-mini': [0.4, 1.6, 0.1],
  'gpt-4.1-nano': [0.1, 0.4, 0.025],
  'gpt-4o': [2.5, 10, 1.25],
  'gpt-4o-mini': [0.15, 0.6, 0.075],
  o3: [2, 8, 0.5],
  'o3-mini': [1.1, 4.4, 0.55],
  'o4-mini': [1.1, 4.4, 0.275],
  'text-embedding-3-small': [0.02, 0],
  'text-embedding-3-large': [0.13, 0],
  'text-embedding-ada-002': [0.1, 0],
};

const ANTHROPIC: Record<string, Row> = {
  'claude-opus-4-5': [5, 25, 0.5, 6.25],
  'claude-opus-4-1': [15, 75, 1.5, 18.75],
  'claude-opus-4-0': [15, 75, 1.5, 18.75],
  'claude-sonnet-4-5': [3, 15, 0.3, 3.75],
  'claude-sonnet-4-0': [3, 15, 0.3, 3.75],
  'claude-haiku-4-5': [1, 5, 0.1, 1.25],
  'claude-3-7-sonnet-latest': [3, 15, 0.3, 3.75],
  'claude-3-5-sonnet-latest': [3, 15, 0.3, 3.75],
  'claude-3-5-haiku-latest': [0.8, 4, 0.08, 1],
  'claude-3-haiku-20240307': [0.25, 1.25, 0.03, 0.3],
};

const BEDROCK: Record<string, Row> = {
  'anthropic.claude-sonnet-4-5-20250929-v1:0': [3, 15, 0.3, 3.75],
  'anthropic.claude-sonnet-4-20250514-v1:0': [3, 15, 0.3, 3.75],
  'anthropic.claude-3-7-sonnet-20250219-v1:0': [3, 15, 0.3, 3.75],
  'anthropic.claude-3-5-sonnet-20241022-v2:0': [3, 15, 0.3, 3.75],
  'anthropic.claude-3-5-haiku-20241022-v1:0': [0.8, 4, 0.08, 1],
  'anthropic.claude-haiku-4-5-20251001-v1:0': [1, 5, 0.1, 1.25],
  'anthropic.claude-3-haiku-20240307-v1:0': [0.25, 1.25],
  'amazon.nova-micro-v1:0': [0.035, 0.14],
  'amazon.nova-lite-v1:0': [0.06, 0.24],
  'amazon.nova-pro-v1:0': [0.8, 3.2],
  'amazon.titan-embed-text-v2:0': [0.02, 0],
  'cohere.embed-english-v3': [0.1, 0],
  'cohere.embed-multilingual-v3': [0.1, 0],
};

const GEMINI: Record<string, Row> = {
  'gemini-2.5-pro': [1.25, 10, 0.31],
  'gemini-2.5-flash': [0.3, 2.5, 0.075],
  'gemini-2.5-flash-lite': [0.1, 0.4, 0.025],
  'gemini-2.0-flash': [0.1, 0.4, 0.025],
  'gemini-2.0-flash-lite': [0.075, 0.3],
  'gemini-embedding-001': [0.15, 0],
};

const BUILTIN: Partial<Record<ProviderSpec['type'], Record<string, Row>>> = {
  openai: OPENAI,
  'azure-openai': OPENAI,
  anthropic: ANTHROPIC,
  bedrock: BEDROCK,
  gemini: GEMINI,
};

/** Bedrock cross-region inference profiles prefix the model id with a geography. */
const PROFILE_PREFIX = /^(us|eu|apac|us-gov|jp|au|global)\./;

/** The price of `model` on the spec's provider `provider`, or undefined when unknown. */
export function priceFor(spec: Spec, provider: string, model: string): PlanPrice | undefined {
  const own = spec.prices?.[`${provider}/${model}`];
  if (own) return fromSpec(own);
  const type = spec.providers[provider]?.type;
  if (type === 'mock') return { input: 0, output: 0, cachedInput: 0, cacheWrite: 0, reasoning: 0, source: 'free' };
  const table = type === undefined ? undefined : BUILTIN[type];
  const row = table?.[type === 'bedrock' ? model.replace(PROFILE_PREFIX, '') : model];
  return row ? fromRow(row) : undefined;
}

function fromSpec(p: PriceSpec): PlanPrice {
  return {
    input: p.input,
    output: p.output,
    cachedInput: p.cached_input ?? p.input,
    cacheWrite: p.cache_write ?? p.input,
    reasoning: p.reasoning ?? p.output,
    source: 'spec',
  };
}

function fromRow([input, output, cachedInput, cacheWrite]: Row): PlanPrice {
  return { input, output, cachedInput: cachedInput ?? input, cacheWrite: cacheWrite ?? input, reasoning: output, source: 'builtin' };
}
