/**
 * Who is calling: the consumer whose API key the request carries (as `Authorization:
 * Bearer` or `x-api-key`). Keys are compared as SHA-256 digests, so nothing about a key
 * leaks through timing, and the key itself is never kept, logged or echoed.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Plan, PlanApiKey, PlanConsumer } from '../plan.ts';
import type { HandlerContext } from './context.ts';
import { GatewayError } from './errors.ts';
import { CLIENT_HEADERS } from './headers.ts';
import type { GatewayRequest, HeaderReader } from './request.ts';

interface KeyEntry {
  readonly consumer: PlanConsumer;
  readonly key: PlanApiKey;
}

interface KeyIndex {
  readonly byHash: Map<string, KeyEntry>;
  /** Keys held in Secrets Manager, loaded on first use. */
  secretKeys: Promise<void> | null;
  secretKeysAt: number;
}

/** Secret-held keys are reloaded this often, so rotated keys start working without a deploy. */
const SECRET_KEYS_TTL_MS = 5 * 60_000;

const indexes = new WeakMap<Plan, KeyIndex>();

function indexOf(plan: Plan): KeyIndex {
  let index = indexes.get(plan);
  if (!index) {
    const byHash = new Map<string, KeyEntry>();
    for (const consumer of Object.values(plan.consumers)) {
      for (const key of consumer.keys) if (key.kind === 'sha256') byHash.set(key.sha256, { consumer, key });
    }
    index = { byHash, secretKeys: null, secretKeysAt: 0 };
    indexes.set(plan, index);
  }
  return index;
}

/** Hex SHA-256 of a key. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The key a request presents, or null. */
export function presentedKey(headers: HeaderReader): string | null {
  const auth = headers.get('authorization');
  if (auth !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1]! : null;
  }
  const key = headers.get(CLIENT_HEADERS.apiKey);
  return key === null || key.trim() === '' ? null : key.trim();
}

async function loadSecretKeys(ctx: HandlerContext, index: KeyIndex): Promise<void> {
  for (const consumer of Object.values(ctx.plan.consumers)) {
    for (const key of consumer.keys) {
      if (key.kind !== 'secret') continue;
      try {
        index.byHash.set(keyHash((await ctx.secrets(key.secret)).trim()), { consumer, key });
      } catch {
        console.error(`sluice: cannot read the key secret of consumer ${consumer.name}`);
      }
    }
  }
}

async function lookup(ctx: HandlerContext, hash: string): Promise<KeyEntry | undefined> {
  const index = indexOf(ctx.plan);
  const found = index.byHash.get(hash);
  if (found) return found;
  const now = ctx.clock.now();
  const hasSecretKeys = Object.values(ctx.plan.consumers).some((c) => c.keys.some((k) => k.kind === 'secret'));
  if (!hasSecretKeys) return undefined;
  if (index.secretKeys === null || now - index.secretKeysAt > SECRET_KEYS_TTL_MS) {
    index.secretKeysAt = now;
    index.secretKeys = loadSecretKeys(ctx, index);
  }
  await index.secretKeys;
  return index.byHash.get(hash);
}

/** The calling consumer; null when the gateway has `auth: none`. Throws 401 GatewayErrors. */
export async function identify(request: GatewayRequest, ctx: HandlerContext): Promise<PlanConsumer | null> {
  if (ctx.plan.gateway.auth === 'none') return null;
  const key = presentedKey(request.headers);
  if (key === null) {
    throw new GatewayError('missing_api_key', 'This gateway needs an API key: send it as "Authorization: Bearer <key>" or "x-api-key".');
  }
  const entry = await lookup(ctx, keyHash(key));
  if (!entry) throw new GatewayError('invalid_api_key', 'The API key is not valid for this gateway.');
  if (entry.key.expiresAt !== null && entry.key.expiresAt <= ctx.clock.now()) {
    throw new GatewayError('expired_api_key', 'The API key has expired; ask for a new one.');
  }
  return entry.consumer;
}
