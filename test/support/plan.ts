/** A hand-made, fully populated Plan for infra and runtime tests, plus helpers to vary it. */
import { contentHash } from '../../compiler/canonical.ts';
import { PLAN_FORMAT, type Plan, type PlanAlerts, type PlanEdge, type PlanGateway, type PlanRoute } from '../../runtime/plan.ts';

/** Alerts of the test Plans: every alarm on at the documented thresholds, one email subscriber. */
export const TEST_ALERTS: PlanAlerts = {
  enabled: true,
  topicArn: null,
  notify: [{ kind: 'email', address: 'oncall@example.com' }],
  periodMs: 300_000,
  evaluationPeriods: 2,
  serverErrorPercent: 5,
  p99LatencyMs: 60_000,
  providerErrorPercent: 25,
  budgetUsedPercent: 80,
  droppedLogRecords: true,
};

const retry = { attempts: 2, on: [429, '5xx' as const], backoff: { initialMs: 200, maxMs: 2000, multiplier: 2 } };
const noCache = { enabled: false, ttlMs: 0, scope: 'consumer' as const, streaming: false, keyHeaders: [], maxEntryKb: 256 };

function route(name: string, aliases: string[], provider: string, model: string): PlanRoute {
  return {
    name,
    type: 'chat',
    aliases,
    strategy: { kind: 'target', provider, model, params: {}, timeoutMs: 60_000, weight: 1, via: null },
    retry,
    timeoutMs: 60_000,
    firstTokenTimeoutMs: 20_000,
    deadlineMs: 300_000,
    cache: noCache,
    targets: [`${provider}/${model}`],
  };
}

const BASE: Omit<Plan, 'hash'> = {
  format: PLAN_FORMAT,
  gateway: {
    name: 'acme',
    stage: 'prod',
    auth: 'keys',
    region: null,
    account: null,
    runtime: { memoryMb: 1536, reservedConcurrency: 50, logRetentionDays: 14, storeTimeoutMs: 250 },
  },
  providers: {
    openai: {
      type: 'openai',
      name: 'openai',
      models: null,
      timeoutMs: null,
      baseUrl: 'https://api.openai.com/v1',
      apiKey: { secret: 'sluice/openai', field: null, env: null },
      organization: null,
      project: null,
    },
    bedrock: { type: 'bedrock', name: 'bedrock', models: null, timeoutMs: null, region: null },
    'bedrock-us': { type: 'bedrock', name: 'bedrock-us', models: null, timeoutMs: null, region: 'us-west-2' },
  },
  routes: {
    chat: route('chat', ['gpt-4o-mini', 'chat'], 'openai', 'gpt-4o-mini'),
    haiku: route('haiku', ['haiku'], 'bedrock', 'anthropic.claude-3-haiku-20240307-v1:0'),
    sonnet: route('sonnet', ['sonnet'], 'bedrock-us', 'us.anthropic.claude-sonnet-4-20250514-v1:0'),
  },
  aliases: { 'gpt-4o-mini': 'chat', chat: 'chat', haiku: 'haiku', sonnet: 'sonnet' },
  consumers: {
    team: {
      name: 'team',
      keys: [{ kind: 'secret', secret: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:sluice/team-AbCdEf', label: null, expiresAt: null }],
      routes: ['chat', 'haiku', 'sonnet'],
      tags: {},
    },
  },
  limits: [],
  logging: { bodies: false, redact: [], retentionDays: 90, clientIp: 'hashed', metadata: true },
  alerts: TEST_ALERTS,
  edge: {
    domain: null,
    priceClass: '100',
    originReadTimeoutMs: 60_000,
    waf: { enabled: false, webAclArn: null, rateLimit: 2000, managedRules: true },
    geo: null,
  },
  guardrails: { maxRequestKb: 512, deny: [], pii: 'off', promptInjection: 'off' },
  prices: {},
  secrets: ['sluice/openai', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:sluice/team-AbCdEf'],
};

/** Overrides accepted by {@link testPlan}: whole sections, merged one level deep for `gateway` and `edge`. */
export interface PlanOverrides {
  readonly gateway?: Partial<PlanGateway>;
  readonly edge?: Partial<PlanEdge>;
}

/** The fixture Plan with `overrides` applied and its hash recomputed. */
export function testPlan(overrides: PlanOverrides = {}): Plan {
  const body: Omit<Plan, 'hash'> = {
    ...BASE,
    gateway: { ...BASE.gateway, ...overrides.gateway },
    edge: { ...BASE.edge, ...overrides.edge },
  };
  return { ...body, hash: contentHash(body) };
}
