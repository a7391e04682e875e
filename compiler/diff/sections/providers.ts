/** Providers section: providers added or removed, and their endpoints, credentials and settings. */
import type { Plan, PlanCredential, PlanProvider } from '../../../runtime/plan.ts';
import { added, removed, toChanges } from '../change.ts';
import { diffFields, field, type FieldDiffer } from '../fields.ts';
import { formatDuration } from '../format/duration.ts';
import { unionKeys } from '../format/list.ts';
import { formatValue, stableJson } from '../format/value.ts';
import { whenRaised } from '../rules.ts';
import type { Change, DiffFlag, Finding } from '../types.ts';

/** A provider setting that only some provider types have; absent reads as undefined. */
function setting(provider: PlanProvider, key: string): unknown {
  return Object.hasOwn(provider, key) ? (Reflect.get(provider, key) as unknown) : undefined;
}

function isCredential(value: unknown): value is PlanCredential {
  return typeof value === 'object' && value !== null && 'secret' in value && 'field' in value && 'env' in value;
}

/** A credential reference (never a value): `secret sluice/openai (field key), env OPENAI_API_KEY`. */
export function describeCredential(credential: unknown): string {
  if (!isCredential(credential)) return 'none';
  const c = credential;
  const parts = [
    ...(c.secret !== null ? [`secret ${c.secret}${c.field !== null ? ` (field ${c.field})` : ''}`] : []),
    ...(c.env !== null ? [`env ${c.env}`] : []),
  ];
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function modelsText(models: unknown): string {
  return models === null || models === undefined ? 'any' : formatValue(models);
}

/** Prompts going over plain HTTP where they went over HTTPS loosens security. */
function plaintextFlags(before: unknown, after: unknown): DiffFlag[] {
  const https = (v: unknown): boolean => typeof v === 'string' && v.startsWith('https://');
  const http = (v: unknown): boolean => typeof v === 'string' && v.startsWith('http://');
  return https(before) && http(after) ? ['loosens-security'] : [];
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

/** A differ over one provider setting, by key. */
function settingField(key: string, label: string, rest: { format?: (v: unknown) => string; flags?: (b: unknown, a: unknown) => readonly DiffFlag[] } = {}): FieldDiffer<PlanProvider> {
  return field({ label, get: (p: PlanProvider) => setting(p, key), ...rest });
}

const raisesWhenRaised = whenRaised('raises-spend');

const PROVIDER_FIELDS: readonly FieldDiffer<PlanProvider>[] = [
  settingField('type', 'type'),
  settingField('baseUrl', 'base URL', { flags: plaintextFlags }),
  settingField('endpoint', 'endpoint', { flags: plaintextFlags }),
  settingField('apiVersion', 'API version'),
  settingField('version', 'API version header'),
  settingField('apiKey', 'API key', { format: describeCredential }),
  settingField('organization', 'organization'),
  settingField('project', 'project'),
  settingField('region', 'region', { format: (v) => (v === null ? "the gateway's region" : formatValue(v)) }),
  settingField('deployments', 'deployments', { format: (v) => (v === undefined ? 'none' : stableJson(v)) }),
  settingField('streamUsage', 'usage in streams'),
  settingField('defaultMaxTokens', 'default max tokens', { flags: (b, a) => raisesWhenRaised(numberOrNull(b), numberOrNull(a)) }),
  settingField('models', 'models', { format: modelsText }),
  settingField('timeoutMs', 'timeout', { format: (v) => (typeof v === 'number' ? formatDuration(v) : 'set by routes') }),
  settingField('reply', 'mock reply'),
  settingField('latencyMs', 'mock latency', { format: (v) => (typeof v === 'number' ? formatDuration(v) : 'none') }),
  settingField('chunkDelayMs', 'mock chunk delay', { format: (v) => (typeof v === 'number' ? formatDuration(v) : 'none') }),
  settingField('script', 'mock script', { format: (v) => (v === undefined ? 'none' : stableJson(v)) }),
];

function addedProvider(provider: PlanProvider): Finding {
  const where = setting(provider, 'baseUrl') ?? setting(provider, 'endpoint') ?? setting(provider, 'region');
  const at = typeof where === 'string' ? ` at ${where}` : '';
  return added(`added (${provider.type}${at})`, { after: { type: provider.type }, flags: ['raises-spend'] });
}

function providerFindings(base: PlanProvider | undefined, head: PlanProvider | undefined): Finding[] {
  if (base === undefined) return head === undefined ? [] : [addedProvider(head)];
  if (head === undefined) return [removed('removed', { before: { type: base.type } })];
  return diffFields(base, head, PROVIDER_FIELDS);
}

/**
 * Provider changes. A new provider raises spend (a new bill); a base URL or endpoint moving
 * from HTTPS to HTTP loosens security; a larger default max tokens raises spend. A provider
 * timeout change is neutral here: the routes it affects report their targets' new timeouts.
 */
export function diffProviders(base: Plan, head: Plan): Change[] {
  return unionKeys(base.providers, head.providers).flatMap((name) =>
    toChanges('providers', `provider ${name}`, providerFindings(base.providers[name], head.providers[name])),
  );
}
