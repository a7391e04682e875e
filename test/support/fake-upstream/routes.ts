/** Which API a request path names: OpenAI `/v1/...` or Azure `/openai/deployments/{d}/...`. */
import type { Endpoint } from './types.ts';

/** A classified request line. */
export interface Route {
  /** `unknown` for paths and methods no provider serves. */
  readonly endpoint: Endpoint;
  /** Azure deployment, else null. */
  readonly deployment: string | null;
}

const OPENAI: Readonly<Record<string, { method: string; endpoint: Endpoint }>> = {
  '/v1/chat/completions': { method: 'POST', endpoint: 'chat' },
  '/v1/embeddings': { method: 'POST', endpoint: 'embeddings' },
  '/v1/models': { method: 'GET', endpoint: 'models' },
};

const AZURE = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

/** Classifies a request; Azure paths need the `api-version` query parameter. */
export function classify(method: string, path: string, query: Readonly<Record<string, string>>): Route {
  const known = OPENAI[path];
  if (known) return { endpoint: known.method === method ? known.endpoint : 'unknown', deployment: null };
  const azure = AZURE.exec(path);
  if (azure && method === 'POST' && query['api-version']) {
    return { endpoint: azure[2] === 'embeddings' ? 'embeddings' : 'chat', deployment: decodeURIComponent(azure[1] ?? '') };
  }
  return { endpoint: 'unknown', deployment: azure ? decodeURIComponent(azure[1] ?? '') : null };
}
