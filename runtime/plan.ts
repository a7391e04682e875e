/**
 * The Plan: the compiled, fully defaulted form of a gateway spec. It is the only contract
 * between the compiler (which writes it), the runtime (which serves requests from it) and
 * the infra (which sizes AWS resources from it). Every duration is in milliseconds, every
 * reference is resolved, and the value is plain JSON (no classes, no undefined).
 * @module
 */

/** Identifies the Plan format; bumped on any incompatible change of these types. */
export const PLAN_FORMAT = 'sluice.plan/v1' as const;

/** A compiled gateway. Key order is canonical (see `canonicalJson` in the compiler). */
export interface Plan {
  readonly format: typeof PLAN_FORMAT;
  /** `sha256:<hex>` over the canonical JSON of the Plan without this field. */
  readonly hash: string;
  readonly gateway: PlanGateway;
  readonly providers: Readonly<Record<string, PlanProvider>>;
  readonly routes: Readonly<Record<string, PlanRoute>>;
  /** Every `model` value a client may send, mapped to the route it selects. */
  readonly aliases: Readonly<Record<string, string>>;
  readonly consumers: Readonly<Record<string, PlanConsumer>>;
  readonly limits: readonly PlanLimit[];
  readonly logging: PlanLogging;
  readonly alerts: PlanAlerts;
  readonly edge: PlanEdge;
  readonly guardrails: PlanGuardrails;
  /** Prices of every model a route can reach, keyed `<provider>/<model>`. */
  readonly prices: Readonly<Record<string, PlanPrice>>;
  /** Every Secrets Manager secret the runtime may read (provider keys, consumer keys). */
  readonly secrets: readonly string[];
}

export interface PlanGateway {
  readonly name: string;
  /** Stage this Plan was compiled for; `default` when no `--stage` was given. */
  readonly stage: string;
  readonly auth: 'keys' | 'none';
  readonly region: string | null;
  readonly account: string | null;
  readonly runtime: PlanRuntime;
}

export interface PlanRuntime {
  readonly memoryMb: number;
  readonly reservedConcurrency: number | null;
  readonly logRetentionDays: number;
  readonly storeTimeoutMs: number;
}

/** A reference to a credential: a Secrets Manager secret and/or an environment variable. */
export interface PlanCredential {
  readonly secret: string | null;
  /** JSON field inside the secret that holds the key; null when the whole string is the key. */
  readonly field: string | null;
  readonly env: string | null;
}

export type ProviderType =
  | 'openai'
  | 'openai-compatible'
  | 'azure-openai'
  | 'anthropic'
  | 'bedrock'
  | 'gemini'
  | 'mock';

interface PlanProviderBase {
  readonly name: string;
  /** Allowed models; null when the spec does not restrict them. */
  readonly models: readonly string[] | null;
  /** Default per-attempt timeout for this provider; null when routes decide. */
  readonly timeoutMs: number | null;
}

export interface PlanProviderOpenai extends PlanProviderBase {
  readonly type: 'openai';
  readonly baseUrl: string;
  readonly apiKey: PlanCredential;
  readonly organization: string | null;
  readonly project: string | null;
}

export interface PlanProviderOpenaiCompatible extends PlanProviderBase {
  readonly type: 'openai-compatible';
  readonly baseUrl: string;
  readonly apiKey: PlanCredential | null;
  readonly streamUsage: boolean;
}

export interface PlanProviderAzure extends PlanProviderBase {
  readonly type: 'azure-openai';
  readonly endpoint: string;
  readonly apiVersion: string;
  readonly apiKey: PlanCredential;
  readonly deployments: Readonly<Record<string, string>>;
}

export interface PlanProviderAnthropic extends PlanProviderBase {
  readonly type: 'anthropic';
  readonly baseUrl: string;
  readonly apiKey: PlanCredential;
  readonly version: string;
  readonly defaultMaxTokens: number;
}

export interface PlanProviderBedrock extends PlanProviderBase {
  readonly type: 'bedrock';
  /** Null: the gateway's own region. */
  readonly region: string | null;
}

export interface PlanProviderGemini extends PlanProviderBase {
  readonly type: 'gemini';
  readonly baseUrl: string;
  readonly apiKey: PlanCredential;
}

export interface PlanMockStep {
  readonly reply: string | null;
  readonly status: number | null;
  readonly latencyMs: number | null;
}

export interface PlanProviderMock extends PlanProviderBase {
  readonly type: 'mock';
  readonly reply: string | null;
  readonly latencyMs: number;
  readonly chunkDelayMs: number;
  readonly script: readonly PlanMockStep[];
}

export type PlanProvider =
  | PlanProviderOpenai
  | PlanProviderOpenaiCompatible
  | PlanProviderAzure
  | PlanProviderAnthropic
  | PlanProviderBedrock
  | PlanProviderGemini
  | PlanProviderMock;

/** An HTTP status (429, 503…) or an error class. `5xx` stands for every server status. */
export type FailureClass =
  | number
  | '5xx'
  | 'rate_limited'
  | 'overloaded'
  | 'timeout'
  | 'network'
  | 'server'
  | 'auth'
  | 'invalid_request'
  | 'context_length_exceeded'
  | 'content_filtered';

export interface PlanRetry {
  readonly attempts: number;
  readonly on: readonly FailureClass[];
  readonly backoff: {
    readonly initialMs: number;
    readonly maxMs: number;
    readonly multiplier: number;
  };
}

export interface PlanCache {
  readonly enabled: boolean;
  readonly ttlMs: number;
  readonly scope: 'consumer' | 'shared';
  readonly streaming: boolean;
  readonly keyHeaders: readonly string[];
  readonly maxEntryKb: number;
}

export interface PlanRoute {
  readonly name: string;
  readonly type: 'chat' | 'embeddings';
  readonly aliases: readonly string[];
  readonly strategy: PlanNode;
  readonly retry: PlanRetry;
  readonly timeoutMs: number;
  readonly firstTokenTimeoutMs: number;
  readonly deadlineMs: number;
  readonly cache: PlanCache;
  /** Every `<provider>/<model>` this route can reach, sorted. */
  readonly targets: readonly string[];
}

/** Strategy tree. `weight` is meaningful only for children of a `loadbalance`. */
export type PlanNode =
  | PlanTargetNode
  | PlanFallbackNode
  | PlanLoadbalanceNode
  | PlanConditionalNode;

export interface PlanTargetNode {
  readonly kind: 'target';
  readonly provider: string;
  readonly model: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Per-attempt timeout of this target (target, else provider, else route). */
  readonly timeoutMs: number;
  readonly weight: number;
  /** Set when this node was inlined from another route (`{ route: name }`). */
  readonly via: string | null;
}

export interface PlanFallbackNode {
  readonly kind: 'fallback';
  readonly on: readonly FailureClass[];
  readonly children: readonly PlanNode[];
  readonly weight: number;
  readonly via: string | null;
}

export interface PlanLoadbalanceNode {
  readonly kind: 'loadbalance';
  readonly sticky: 'none' | 'consumer';
  readonly children: readonly PlanNode[];
  readonly weight: number;
  readonly via: string | null;
}

export interface PlanCondition {
  /** Header names are lower-cased. */
  readonly header: Readonly<Record<string, readonly string[]>>;
  readonly metadata: Readonly<Record<string, readonly string[]>>;
  readonly consumer: readonly string[];
  readonly consumerTags: Readonly<Record<string, readonly string[]>>;
  readonly country: readonly string[];
}

export interface PlanConditionalNode {
  readonly kind: 'conditional';
  readonly branches: readonly { readonly when: PlanCondition; readonly then: PlanNode }[];
  readonly default: PlanNode;
  readonly weight: number;
  readonly via: string | null;
}

export type PlanApiKey =
  | {
      readonly kind: 'sha256';
      readonly sha256: string;
      readonly label: string | null;
      /** Epoch milliseconds after which the key is refused; null: never. */
      readonly expiresAt: number | null;
    }
  | {
      readonly kind: 'secret';
      readonly secret: string;
      readonly label: string | null;
      readonly expiresAt: number | null;
    };

export interface PlanConsumer {
  readonly name: string;
  readonly keys: readonly PlanApiKey[];
  /** Route names this consumer may call (resolved from `*`), sorted. */
  readonly routes: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export type LimitKind = 'requests' | 'tokens' | 'budget_usd' | 'concurrent';

export type PlanScope =
  | { readonly kind: 'consumer' | 'route' | 'ip' | 'global' }
  | { readonly kind: 'header'; readonly header: string };

export type PlanWindow =
  | { readonly kind: 'duration'; readonly ms: number }
  | { readonly kind: 'calendar'; readonly period: 'day' | 'week' | 'month' };

export interface PlanLimit {
  /** Unique, stable id: the spec's name, or one derived from owner, kind, window and scope. */
  readonly id: string;
  readonly kind: LimitKind;
  readonly amount: number;
  /** Null for `concurrent`. */
  readonly window: PlanWindow | null;
  readonly algorithm: 'fixed' | 'sliding';
  readonly scope: readonly PlanScope[];
  /** Route names the limit applies to, sorted. */
  readonly routes: readonly string[];
  /** Consumer names the limit applies to, sorted; null: every caller (including anonymous). */
  readonly consumers: readonly string[] | null;
  readonly onStoreError: 'open' | 'closed';
  /** Counter items the limit is spread over (1 unless its rate exceeds one item's write rate). */
  readonly shards: number;
  /** Consumer that declared it in its own `limits`, else null. */
  readonly owner: string | null;
}

export type PlanRedaction =
  | { readonly kind: 'builtin'; readonly name: 'email' | 'phone' | 'credit-card' | 'api-key' | 'ip' }
  | { readonly kind: 'pattern'; readonly name: string; readonly pattern: string };

export interface PlanLogging {
  readonly bodies: boolean;
  readonly redact: readonly PlanRedaction[];
  readonly retentionDays: number;
  readonly clientIp: 'hashed' | 'full' | 'none';
  readonly metadata: boolean;
}

/** Where the created alarm topic sends notifications. */
export type PlanAlertEndpoint = { readonly kind: 'email'; readonly address: string } | { readonly kind: 'https'; readonly url: string };

/** CloudWatch alarms over the gateway's metrics. A null threshold means that alarm is off. */
export interface PlanAlerts {
  /** False: no alarms and no topic (the dashboard and log queries are deployed regardless). */
  readonly enabled: boolean;
  /** Existing SNS topic the alarms publish to; null: the stack creates one. */
  readonly topicArn: string | null;
  /** Subscriptions of the created topic, in spec order (empty with `topicArn`). */
  readonly notify: readonly PlanAlertEndpoint[];
  /** Length of one evaluation period (whole minutes). */
  readonly periodMs: number;
  /** Consecutive breaching periods before a rate or latency alarm fires. */
  readonly evaluationPeriods: number;
  /** Percent of requests answered 5xx in a period. */
  readonly serverErrorPercent: number | null;
  /** p99 of request latency in a period. */
  readonly p99LatencyMs: number | null;
  /** Percent of one provider's attempts that failed on its side, per provider. */
  readonly providerErrorPercent: number | null;
  /** Percent of a `budget_usd` limit used in its window, per such limit. */
  readonly budgetUsedPercent: number | null;
  /** Alarm when request records could not be delivered to the log stream. */
  readonly droppedLogRecords: boolean;
}

export interface PlanEdge {
  readonly domain: {
    readonly name: string;
    readonly certificateArn: string;
    readonly hostedZoneId: string | null;
    readonly hostedZoneName: string | null;
  } | null;
  readonly priceClass: '100' | '200' | 'all';
  readonly originReadTimeoutMs: number;
  readonly waf: {
    readonly enabled: boolean;
    readonly webAclArn: string | null;
    readonly rateLimit: number;
    readonly managedRules: boolean;
  };
  readonly geo: { readonly mode: 'allow' | 'deny'; readonly countries: readonly string[] } | null;
}

export interface PlanGuardrails {
  readonly maxRequestKb: number;
  readonly deny: readonly { readonly name: string; readonly pattern: string }[];
  readonly pii: 'off' | 'redact' | 'block';
  readonly promptInjection: 'off' | 'flag' | 'block';
}

/** USD per million tokens. */
export interface PlanPrice {
  readonly input: number;
  readonly output: number;
  readonly cachedInput: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
  /** Where the price came from: the spec, the built-in table, or free (mock). */
  readonly source: 'spec' | 'builtin' | 'free';
}
