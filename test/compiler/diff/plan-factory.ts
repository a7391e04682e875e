/** Test factory: a valid default Plan (shaped like examples/multi-provider.yaml) plus deep-partial overrides. */
import { createHash } from 'node:crypto';
import { TEST_ALERTS } from '../../support/plan.ts';
import type {
  Plan,
  PlanApiKey,
  PlanCondition,
  PlanConsumer,
  PlanFallbackNode,
  PlanLimit,
  PlanLoadbalanceNode,
  PlanConditionalNode,
  PlanNode,
  PlanRoute,
  PlanTargetNode,
} from '../../../runtime/plan.ts';

/** Every property optional, recursively; arrays are replaced whole; `undefined` deletes a key. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { -readonly [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `override` into `base` without touching either. Objects merge key by key; arrays and
 * scalars replace; an object whose `kind` differs from the base's replaces it whole (a strategy
 * node or a scope); a key set to `undefined` is deleted.
 */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  if ('kind' in override && override.kind !== base.kind) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) delete out[key];
    else out[key] = key in base ? deepMerge(base[key], value) : value;
  }
  return out as T;
}

/** A fresh value typed without `readonly`, so tests can put it into an `editPlan` draft. */
function mutable<T>(value: T): Mutable<T> {
  return value as Mutable<T>;
}

/** A target node for `provider/model`. */
export function target(key: string, extra: Partial<PlanTargetNode> = {}): Mutable<PlanTargetNode> {
  const slash = key.indexOf('/');
  return mutable({
    kind: 'target',
    provider: key.slice(0, slash),
    model: key.slice(slash + 1),
    params: {},
    timeoutMs: 60_000,
    weight: 1,
    via: null,
    ...extra,
  });
}

/** A fallback ladder; strings are targets. */
export function fallback(children: readonly (PlanNode | string)[], extra: Partial<PlanFallbackNode> = {}): Mutable<PlanFallbackNode> {
  return mutable<PlanFallbackNode>({ kind: 'fallback', on: ['5xx', 'rate_limited', 'timeout'], children: children.map(node), weight: 1, via: null, ...extra });
}

/** A weighted split: `[node, weight]` pairs; strings are targets. */
export function loadbalance(members: readonly (readonly [PlanNode | string, number])[], extra: Partial<PlanLoadbalanceNode> = {}): Mutable<PlanLoadbalanceNode> {
  return mutable<PlanLoadbalanceNode>({
    kind: 'loadbalance',
    sticky: 'none',
    children: members.map(([n, weight]) => ({ ...node(n), weight })),
    weight: 1,
    via: null,
    ...extra,
  });
}

/** A condition; unset parts match anything. */
export function when(parts: Partial<PlanCondition>): Mutable<PlanCondition> {
  return mutable<PlanCondition>({ header: {}, metadata: {}, consumer: [], consumerTags: {}, country: [], ...parts });
}

/** A conditional node. */
export function conditional(branches: readonly (readonly [PlanCondition, PlanNode | string])[], otherwise: PlanNode | string): Mutable<PlanConditionalNode> {
  return mutable<PlanConditionalNode>({
    kind: 'conditional',
    branches: branches.map(([w, then]) => ({ when: w, then: node(then) })),
    default: node(otherwise),
    weight: 1,
    via: null,
  });
}

function node(n: PlanNode | string): PlanNode {
  return typeof n === 'string' ? target(n) : n;
}

/** A copy of a subtree marked as inlined from route `via`. */
export function inlined<N extends PlanNode>(n: N, via: string): N {
  return { ...structuredClone(n), via };
}

function targetsOf(n: PlanNode): string[] {
  if (n.kind === 'target') return [`${n.provider}/${n.model}`];
  if (n.kind === 'conditional') return [...n.branches.flatMap((b) => targetsOf(b.then)), ...targetsOf(n.default)];
  return n.children.flatMap(targetsOf);
}

/** A complete route; `targets` follows the strategy unless given. */
export function route(name: string, strategy: PlanNode | string, extra: DeepPartial<PlanRoute> = {}): Mutable<PlanRoute> {
  const s = node(strategy);
  const base: PlanRoute = {
    name,
    type: 'chat',
    aliases: [],
    strategy: s,
    retry: { attempts: 1, on: ['5xx', 'rate_limited'], backoff: { initialMs: 250, maxMs: 4_000, multiplier: 2 } },
    timeoutMs: 60_000,
    firstTokenTimeoutMs: 20_000,
    deadlineMs: 180_000,
    cache: { enabled: true, ttlMs: 3_600_000, scope: 'consumer', streaming: false, keyHeaders: [], maxEntryKb: 256 },
    targets: [...new Set(targetsOf(s))].sort(),
  };
  return mutable(deepMerge(base, extra));
}

/** A sha256 key whose hash is the SHA-256 of `seed` (so `sha256Key('x')` is stable and distinct). */
export function sha256Key(seed: string, extra: { label?: string | null; expiresAt?: number | null } = {}): Mutable<PlanApiKey> {
  const hex = createHash('sha256').update(seed).digest('hex');
  return { kind: 'sha256', sha256: hex, label: extra.label ?? null, expiresAt: extra.expiresAt ?? null };
}

/** A key held in a Secrets Manager secret. */
export function secretKey(secret: string, extra: { label?: string | null; expiresAt?: number | null } = {}): Mutable<PlanApiKey> {
  return { kind: 'secret', secret, label: extra.label ?? null, expiresAt: extra.expiresAt ?? null };
}

/** A complete consumer. */
export function consumer(name: string, extra: Partial<PlanConsumer> = {}): Mutable<PlanConsumer> {
  return mutable<PlanConsumer>({ name, keys: [sha256Key(name, { label: 'main' })], routes: ['chat'], tags: {}, ...extra });
}

/** A complete limit: requests 100/min per consumer unless overridden. */
export function limit(id: string, extra: Partial<PlanLimit> = {}): Mutable<PlanLimit> {
  return mutable<PlanLimit>({
    id,
    kind: 'requests',
    amount: 100,
    window: { kind: 'duration', ms: 60_000 },
    algorithm: 'fixed',
    scope: [{ kind: 'consumer' }],
    routes: ['chat', 'embed', 'smart'],
    consumers: null,
    onStoreError: 'open',
    shards: 1,
    owner: null,
    ...extra,
  });
}

/** UTC end of day of `date` (YYYY-MM-DD), as the compiler stores a key's `expires`. */
export function endOfDay(date: string): number {
  return Date.parse(`${date}T23:59:59.999Z`);
}

const CHAT = fallback(['openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest', 'bedrock/anthropic.claude-3-haiku-20240307-v1:0']);

const SMART = conditional(
  [[when({ consumerTags: { tier: ['premium'] } }), fallback([target('openai/gpt-4o', { params: { temperature: 0.2 } }), inlined(CHAT, 'chat')])]],
  loadbalance(
    [
      ['openai/gpt-4o', 3],
      ['anthropic/claude-3-5-sonnet-latest', 1],
    ],
    { sticky: 'consumer' },
  ),
);

const price = (input: number, output: number): Plan['prices'][string] => ({
  input,
  output,
  cachedInput: input / 2,
  cacheWrite: input,
  reasoning: output,
  source: 'builtin',
});

/** The default Plan every test starts from. */
export const DEFAULT_PLAN: Plan = {
  format: 'sluice.plan/v1',
  hash: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  gateway: {
    name: 'acme-ai',
    stage: 'prod',
    auth: 'keys',
    region: 'eu-west-1',
    account: null,
    runtime: { memoryMb: 1024, reservedConcurrency: 200, logRetentionDays: 90, storeTimeoutMs: 500 },
  },
  providers: {
    openai: {
      type: 'openai',
      name: 'openai',
      models: ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'],
      timeoutMs: null,
      baseUrl: 'https://api.openai.com/v1',
      apiKey: { secret: 'sluice/openai', field: null, env: 'OPENAI_API_KEY' },
      organization: null,
      project: null,
    },
    anthropic: {
      type: 'anthropic',
      name: 'anthropic',
      models: null,
      timeoutMs: null,
      baseUrl: 'https://api.anthropic.com',
      apiKey: { secret: 'sluice/anthropic', field: null, env: 'ANTHROPIC_API_KEY' },
      version: '2023-06-01',
      defaultMaxTokens: 4096,
    },
    bedrock: { type: 'bedrock', name: 'bedrock', models: null, timeoutMs: null, region: 'us-east-1' },
  },
  routes: {
    chat: route('chat', CHAT, { aliases: ['gpt-4o-mini', 'chat'] }),
    smart: route('smart', SMART, { aliases: ['gpt-4o', 'smart'], cache: { enabled: false } }),
    embed: route('embed', 'openai/text-embedding-3-small', {
      type: 'embeddings',
      aliases: ['text-embedding-3-small'],
      cache: { ttlMs: 86_400_000, scope: 'shared' },
    }),
  },
  aliases: { chat: 'chat', 'gpt-4o-mini': 'chat', 'gpt-4o': 'smart', smart: 'smart', 'text-embedding-3-small': 'embed' },
  consumers: {
    'team-search': consumer('team-search', {
      keys: [sha256Key('search', { label: '2026-q4' })],
      routes: ['chat', 'embed'],
      tags: { team: 'search', tier: 'standard' },
    }),
    'team-support': consumer('team-support', {
      keys: [sha256Key('support', { label: 'current', expiresAt: endOfDay('2027-06-30') }), secretKey('sluice/keys/team-support-next', { label: 'next' })],
      routes: ['chat', 'embed', 'smart'],
      tags: { team: 'support', tier: 'premium' },
    }),
  },
  limits: [
    limit('team-search/requests', { amount: 600, owner: 'team-search', consumers: ['team-search'] }),
    limit('search-monthly-budget', {
      kind: 'budget_usd',
      amount: 500,
      window: { kind: 'calendar', period: 'month' },
      owner: 'team-search',
      consumers: ['team-search'],
      onStoreError: 'closed',
    }),
    limit('team-support/tokens', {
      kind: 'tokens',
      amount: 2_000_000,
      window: { kind: 'duration', ms: 3_600_000 },
      algorithm: 'sliding',
      owner: 'team-support',
      consumers: ['team-support'],
    }),
    limit('team-support/concurrent', { kind: 'concurrent', amount: 20, window: null, owner: 'team-support', consumers: ['team-support'] }),
    limit('per-ip', { amount: 120, scope: [{ kind: 'ip' }] }),
    limit('global-rpm', { amount: 20_000, scope: [{ kind: 'global' }], shards: 4 }),
  ],
  logging: {
    bodies: false,
    redact: [
      { kind: 'builtin', name: 'email' },
      { kind: 'builtin', name: 'credit-card' },
      { kind: 'builtin', name: 'api-key' },
      { kind: 'pattern', name: 'ticket', pattern: 'TCK-[0-9]{6}' },
    ],
    retentionDays: 90,
    clientIp: 'hashed',
    metadata: false,
  },
  alerts: TEST_ALERTS,
  edge: {
    domain: null,
    priceClass: '100',
    originReadTimeoutMs: 60_000,
    waf: { enabled: true, webAclArn: null, rateLimit: 2_000, managedRules: true },
    geo: { mode: 'deny', countries: ['IR', 'KP'] },
  },
  guardrails: { maxRequestKb: 256, deny: [{ name: 'secrets', pattern: 'BEGIN PRIVATE KEY' }], pii: 'redact', promptInjection: 'flag' },
  prices: {
    'anthropic/claude-3-5-haiku-latest': { ...price(0.8, 4), source: 'spec' },
    'anthropic/claude-3-5-sonnet-latest': price(3, 15),
    'bedrock/anthropic.claude-3-haiku-20240307-v1:0': price(0.25, 1.25),
    'openai/gpt-4o': price(2.5, 10),
    'openai/gpt-4o-mini': price(0.15, 0.6),
    'openai/text-embedding-3-small': price(0.02, 0),
  },
  secrets: ['sluice/anthropic', 'sluice/keys/team-support-next', 'sluice/openai'],
};

/** The default Plan with `overrides` merged in (see `deepMerge`). */
export function makePlan(overrides: DeepPartial<Plan> = {}): Plan {
  return deepMerge(DEFAULT_PLAN, overrides);
}

/** The default Plan with `edit` applied to a deep copy (for edits a partial cannot express, like array items). */
export function editPlan(edit: (plan: Mutable<Plan>) => void, from: Plan = DEFAULT_PLAN): Plan {
  const copy = structuredClone(from) as Mutable<Plan>;
  edit(copy);
  return copy;
}

/** Removes `readonly` recursively, for `editPlan` callbacks. */
export type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
