/**
 * Providers in Plan form: each type's defaults filled in, credentials as references.
 * @module
 */
import type { PlanCredential, PlanProvider } from '../../runtime/plan.ts';
import { ms } from '../duration.ts';
import type { CredentialSpec, ProviderSpec, Spec } from '../spec.ts';
import { PROVIDER_DEFAULTS as D } from './defaults.ts';

/** A credential reference; undefined in, null out. */
export function credential(c: CredentialSpec | undefined): PlanCredential | null {
  if (!c) return null;
  return { secret: c.secret ?? null, field: c.field ?? null, env: c.env ?? null };
}

function common(name: string, p: ProviderSpec): { name: string; models: string[] | null; timeoutMs: number | null } {
  return { name, models: p.models ? [...p.models] : null, timeoutMs: p.timeout === undefined ? null : ms(p.timeout) };
}

/** One provider. */
export function normalizeProvider(name: string, p: ProviderSpec): PlanProvider {
  const base = common(name, p);
  switch (p.type) {
    case 'openai':
      return { ...base, type: 'openai', baseUrl: p.base_url ?? D.openaiBaseUrl, apiKey: credential(p.api_key)!, organization: p.organization ?? null, project: p.project ?? null };
    case 'openai-compatible':
      return { ...base, type: 'openai-compatible', baseUrl: p.base_url!, apiKey: credential(p.api_key), streamUsage: p.stream_usage ?? D.streamUsage };
    case 'azure-openai':
      return { ...base, type: 'azure-openai', endpoint: p.endpoint!, apiVersion: p.api_version!, apiKey: credential(p.api_key)!, deployments: { ...(p.deployments ?? {}) } };
    case 'anthropic':
      return {
        ...base,
        type: 'anthropic',
        baseUrl: p.base_url ?? D.anthropicBaseUrl,
        apiKey: credential(p.api_key)!,
        version: p.version ?? D.anthropicVersion,
        defaultMaxTokens: p.default_max_tokens ?? D.anthropicMaxTokens,
      };
    case 'bedrock':
      return { ...base, type: 'bedrock', region: p.region ?? null };
    case 'gemini':
      return { ...base, type: 'gemini', baseUrl: p.base_url ?? D.geminiBaseUrl, apiKey: credential(p.api_key)! };
    case 'mock':
      return {
        ...base,
        type: 'mock',
        reply: p.reply ?? null,
        latencyMs: ms(p.latency ?? D.mockLatency),
        chunkDelayMs: ms(p.chunk_delay ?? D.mockChunkDelay),
        script: (p.script ?? []).map((s) => ({ reply: s.reply ?? null, status: s.status ?? null, latencyMs: s.latency === undefined ? null : ms(s.latency) })),
      };
  }
}

/** All providers by name. */
export function normalizeProviders(spec: Spec): Record<string, PlanProvider> {
  const out: Record<string, PlanProvider> = {};
  for (const [name, p] of Object.entries(spec.providers)) out[name] = normalizeProvider(name, p);
  return out;
}
