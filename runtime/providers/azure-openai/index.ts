/**
 * Azure OpenAI Service: OpenAI's wire format at a deployment URL with an `api-version`
 * query parameter, authenticated with the `api-key` header.
 * @module
 */
import type { PlanProviderAzure } from '../../plan.ts';
import { chatRequest, chatResponse, chatStream, withoutExtensions } from '../openai/chat.ts';
import { openaiError } from '../openai/errors.ts';
import { embeddingsRequest, embeddingsResponse } from '../openai/index.ts';
import type { CallInput, ProviderAdapter } from '../types.ts';
import { merged } from '../../merged.ts';

/** The deployment URL of an operation for the input's model. */
export function deploymentUrl(input: CallInput<PlanProviderAzure>, operation: string): string {
  const p = input.provider;
  const deployment = p.deployments[input.model] ?? input.model;
  return `${p.endpoint}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${encodeURIComponent(p.apiVersion)}`;
}

function headers(input: CallInput<PlanProviderAzure>): Record<string, string> {
  return merged(input.headers, (input.apiKey === null ? {} : { 'api-key': input.apiKey }));
}

/** Azure OpenAI. */
export const azureOpenaiAdapter: ProviderAdapter<PlanProviderAzure> = {
  type: 'azure-openai',
  chat: {
    request: (input) => chatRequest({ url: deploymentUrl(input, 'chat/completions'), headers: headers(input), streamUsage: true }, withoutExtensions(input.body)),
    response: chatResponse,
    stream: (input) => chatStream(input.body),
  },
  embeddings: {
    request: (input) => embeddingsRequest(deploymentUrl(input, 'embeddings'), headers(input), input.body),
    response: embeddingsResponse,
  },
  native: {
    url: (p, path, search) => {
      const query = new URLSearchParams(search);
      if (!query.has('api-version')) query.set('api-version', p.apiVersion);
      return `${p.endpoint}/${path}?${query.toString()}`;
    },
    headers: (_p, key): Record<string, string> => (key === null ? {} : { 'api-key': key }),
  },
  error: openaiError,
  transport: () => null,
};
