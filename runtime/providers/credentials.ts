/**
 * A provider's API key at request time: from the environment variable when one is set (for
 * `sluice dev`), else from its Secrets Manager secret (cached by the secret getter).
 * @module
 */
import type { HandlerContext } from '../core/context.ts';
import { isObject } from '../openai/types.ts';
import type { PlanCredential, PlanProvider } from '../plan.ts';
import { failure, type Failure } from '../routing/failure.ts';

function credentialOf(provider: PlanProvider): PlanCredential | null {
  return 'apiKey' in provider ? provider.apiKey : null;
}

/** The key, null when the provider needs none, or a Failure saying why there is none. */
export async function apiKeyOf(provider: PlanProvider, ctx: HandlerContext): Promise<string | null | Failure> {
  const cred = credentialOf(provider);
  if (cred === null) return null;
  if (cred.env !== null) {
    const value = ctx.env[cred.env];
    if (value !== undefined && value !== '') return value;
  }
  if (cred.secret === null) {
    return failure('auth', 'provider_key_missing', `Provider ${provider.name} has no key here: set $${cred.env ?? '?'}.`, { final: true });
  }
  try {
    const text = await ctx.secrets(cred.secret);
    return cred.field === null ? text.trim() : fieldOf(text, cred.field, provider.name);
  } catch {
    return failure('server', 'provider_key_unavailable', `The key of provider ${provider.name} could not be read.`, { final: true });
  }
}

function fieldOf(text: string, field: string, provider: string): string | Failure {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const value = isObject(parsed) ? parsed[field] : undefined;
  if (typeof value === 'string' && value !== '') return value;
  return failure('server', 'provider_key_unavailable', `The secret of provider ${provider} has no field "${field}".`, { final: true });
}
