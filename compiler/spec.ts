/**
 * TypeScript view of gateway.yaml as the schema admits it. Values of these types exist
 * only after schema validation passed; the checks and the normalizer read them.
 * @module
 */

export type Duration = string;
export type FailureClassSpec = number | string;

export interface CredentialSpec {
  readonly secret?: string;
  readonly field?: string;
  readonly env?: string;
}

export interface RuntimeSpec {
  readonly memory_mb?: number;
  readonly reserved_concurrency?: number;
  readonly log_retention_days?: number;
  readonly store_timeout?: Duration;
}

export interface ProviderOverrideSpec {
  readonly api_key?: CredentialSpec;
  readonly base_url?: string;
  readonly endpoint?: string;
  readonly region?: string;
}

export interface StageSpec {
  readonly description?: string;
  readonly region?: string;
  readonly account?: string;
  readonly overrides?: {
    readonly runtime?: RuntimeSpec;
    readonly logging?: LoggingSpec;
    readonly alerts?: AlertsSpec;
    readonly edge?: EdgeSpec;
    readonly cache?: CacheSpec;
    readonly providers?: Readonly<Record<string, ProviderOverrideSpec>>;
  };
}

export interface GatewaySpec {
  readonly name: string;
  readonly description?: string;
  readonly auth?: 'keys' | 'none';
  readonly region?: string;
  readonly runtime?: RuntimeSpec;
  readonly stages?: Readonly<Record<string, StageSpec>>;
}

export interface ProviderSpec {
  readonly type: 'openai' | 'openai-compatible' | 'azure-openai' | 'anthropic' | 'bedrock' | 'gemini' | 'mock';
  readonly description?: string;
  readonly models?: readonly string[];
  readonly timeout?: Duration;
  readonly api_key?: CredentialSpec;
  readonly base_url?: string;
  readonly organization?: string;
  readonly project?: string;
  readonly stream_usage?: boolean;
  readonly endpoint?: string;
  readonly api_version?: string;
  readonly deployments?: Readonly<Record<string, string>>;
  readonly version?: string;
  readonly default_max_tokens?: number;
  readonly region?: string;
  readonly reply?: string;
  readonly latency?: Duration;
  readonly chunk_delay?: Duration;
  readonly script?: readonly { readonly reply?: string; readonly status?: number; readonly latency?: Duration }[];
}

export interface RetrySpec {
  readonly attempts?: number;
  readonly on?: readonly FailureClassSpec[];
  readonly backoff?: { readonly initial?: Duration; readonly max?: Duration; readonly multiplier?: number };
}

export interface RouteDefaultsSpec {
  readonly retry?: RetrySpec;
  readonly timeout?: Duration;
  readonly first_token_timeout?: Duration;
  readonly deadline?: Duration;
  readonly fallback_on?: readonly FailureClassSpec[];
}

export type StringOrList = string | readonly string[];

export interface ConditionSpec {
  readonly header?: Readonly<Record<string, StringOrList>>;
  readonly metadata?: Readonly<Record<string, StringOrList>>;
  readonly consumer?: readonly string[];
  readonly consumer_tags?: Readonly<Record<string, StringOrList>>;
  readonly country?: readonly string[];
}

export interface TargetNodeSpec {
  readonly target: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly timeout?: Duration;
  readonly weight?: number;
}
export interface FallbackNodeSpec {
  readonly fallback: readonly NodeSpec[];
  readonly on?: readonly FailureClassSpec[];
  readonly weight?: number;
}
export interface LoadbalanceNodeSpec {
  readonly loadbalance: readonly NodeSpec[];
  readonly sticky?: 'none' | 'consumer';
  readonly weight?: number;
}
export interface ConditionalNodeSpec {
  readonly conditional: readonly { readonly when: ConditionSpec; readonly then: NodeSpec }[];
  readonly default: NodeSpec;
  readonly weight?: number;
}
export interface RouteNodeSpec {
  readonly route: string;
  readonly weight?: number;
}
export type NodeSpec = string | TargetNodeSpec | FallbackNodeSpec | LoadbalanceNodeSpec | ConditionalNodeSpec | RouteNodeSpec;

export interface CacheSpec {
  readonly enabled?: boolean;
  readonly ttl?: Duration;
  readonly scope?: 'consumer' | 'shared';
  readonly streaming?: boolean;
  readonly key_headers?: readonly string[];
  readonly max_entry_kb?: number;
}

export interface RouteSpec {
  readonly description?: string;
  readonly type?: 'chat' | 'embeddings';
  readonly aliases?: readonly string[];
  readonly strategy: NodeSpec;
  readonly retry?: RetrySpec;
  readonly timeout?: Duration;
  readonly first_token_timeout?: Duration;
  readonly deadline?: Duration;
  readonly cache?: boolean | CacheSpec;
}

export interface ApiKeySpec {
  readonly sha256?: string;
  readonly secret?: string;
  readonly label?: string;
  readonly expires?: string;
}

export interface LimitSpec {
  readonly name?: string;
  readonly requests?: number;
  readonly tokens?: number;
  readonly budget_usd?: number;
  readonly concurrent?: number;
  readonly window?: string;
  readonly algorithm?: 'fixed' | 'sliding';
  readonly scope?: string | readonly string[];
  readonly routes?: readonly string[];
  readonly consumers?: readonly string[];
  readonly on_store_error?: 'open' | 'closed';
}

export interface ConsumerSpec {
  readonly description?: string;
  readonly keys: readonly ApiKeySpec[];
  readonly routes?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly limits?: readonly LimitSpec[];
}

export type RedactionSpec = string | { readonly name?: string; readonly pattern: string };

export interface LoggingSpec {
  readonly bodies?: boolean;
  readonly redact?: readonly RedactionSpec[];
  readonly retention_days?: number;
  readonly client_ip?: 'hashed' | 'full' | 'none';
  readonly metadata?: boolean;
}

/** One subscriber of the alarm topic; the schema admits exactly one of the two keys. */
export interface AlertEndpointSpec {
  readonly email?: string;
  readonly https?: string;
}

/** `alerts`: thresholds are `<n>%` / durations, or `off`. */
export interface AlertsSpec {
  readonly enabled?: boolean;
  readonly notify?: readonly AlertEndpointSpec[];
  readonly topic_arn?: string;
  readonly server_error_rate?: string;
  readonly p99_latency?: string;
  readonly provider_error_rate?: string;
  readonly budget_used?: string;
  readonly dropped_log_records?: boolean;
  readonly period?: Duration;
  readonly evaluation_periods?: number;
}

export interface EdgeSpec {
  readonly domain?: {
    readonly name: string;
    readonly certificate_arn: string;
    readonly hosted_zone_id?: string;
    readonly hosted_zone_name?: string;
  };
  readonly price_class?: '100' | '200' | 'all';
  readonly origin_read_timeout?: Duration;
  readonly waf?: { readonly enabled?: boolean; readonly web_acl_arn?: string; readonly rate_limit?: number; readonly managed_rules?: boolean };
  readonly geo?: { readonly allow?: readonly string[]; readonly deny?: readonly string[] };
}

export interface GuardrailsSpec {
  readonly max_request_kb?: number;
  readonly deny?: readonly { readonly name?: string; readonly pattern: string }[];
  readonly pii?: 'off' | 'redact' | 'block';
  readonly prompt_injection?: 'off' | 'flag' | 'block';
}

export interface PriceSpec {
  readonly input: number;
  readonly output: number;
  readonly cached_input?: number;
  readonly cache_write?: number;
  readonly reasoning?: number;
}

/** The whole spec document. */
export interface Spec {
  readonly version: 1;
  readonly gateway: GatewaySpec;
  readonly providers: Readonly<Record<string, ProviderSpec>>;
  readonly routes: Readonly<Record<string, RouteSpec>>;
  readonly route_defaults?: RouteDefaultsSpec;
  readonly consumers?: Readonly<Record<string, ConsumerSpec>>;
  readonly limits?: readonly LimitSpec[];
  readonly cache?: CacheSpec;
  readonly logging?: LoggingSpec;
  readonly alerts?: AlertsSpec;
  readonly edge?: EdgeSpec;
  readonly guardrails?: GuardrailsSpec;
  readonly prices?: Readonly<Record<string, PriceSpec>>;
}

/** Node-kind helpers: which kind a strategy node is, by its key. */
export function nodeKind(node: NodeSpec): 'target' | 'fallback' | 'loadbalance' | 'conditional' | 'route' {
  if (typeof node === 'string' || 'target' in node) return 'target';
  if ('fallback' in node) return 'fallback';
  if ('loadbalance' in node) return 'loadbalance';
  if ('conditional' in node) return 'conditional';
  return 'route';
}

/** Splits `provider/model` at the first slash (model ids may contain slashes). */
export function splitTarget(target: string): { provider: string; model: string } {
  const i = target.indexOf('/');
  return { provider: target.slice(0, i), model: target.slice(i + 1) };
}
