/**
 * The compile pipeline on valid specs: examples compile cleanly, Plans match their golden
 * files, defaults and references are resolved, and the hash tracks behaviour only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../compiler/canonical.ts';
import { compileSource } from '../../compiler/index.ts';
import type { Plan, PlanNode } from '../../runtime/plan.ts';

const root = join(import.meta.dirname, '..', '..');
const NOW = Date.UTC(2026, 10, 25);
const read = (p: string): string => readFileSync(join(root, p), 'utf8');

function compile(text: string, stage?: string): Plan {
  const r = compileSource(text, { file: 'test.yaml', now: NOW, ...(stage ? { stage } : {}) });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  return r.plan!;
}

const MINIMAL = `version: 1
gateway: { name: mini, auth: none }
providers: { m: { type: mock } }
routes: { chat: { strategy: m/small } }
`;

describe('examples', () => {
  it.each(['quickstart', 'multi-provider'])('%s compiles with no diagnostics and matches its golden Plan', async (name) => {
    const r = compileSource(read(`examples/${name}.yaml`), { file: `${name}.yaml`, now: NOW });
    expect(r.diagnostics).toEqual([]);
    await expect(`${canonicalJson(r.plan)}\n`).toMatchFileSnapshot(`golden/${name}.plan.json`);
  });

  it('multi-provider prod stage applies its overrides', async () => {
    const plan = compile(read('examples/multi-provider.yaml'), 'prod');
    expect(plan.gateway.stage).toBe('prod');
    expect(plan.gateway.region).toBe('eu-west-1');
    expect(plan.gateway.runtime.reservedConcurrency).toBe(200);
    expect(plan.gateway.runtime.logRetentionDays).toBe(90);
    await expect(`${canonicalJson(plan)}\n`).toMatchFileSnapshot('golden/multi-provider.prod.plan.json');
  });

  it('multi-provider dev stage merges logging key by key', () => {
    const plan = compile(read('examples/multi-provider.yaml'), 'dev');
    expect(plan.logging.bodies).toBe(true);
    expect(plan.logging.retentionDays).toBe(7);
    expect(plan.logging.clientIp).toBe('hashed');
    expect(plan.logging.redact.map((r) => r.name)).toEqual(['email', 'credit-card', 'api-key', 'ticket']);
  });
});

describe('normalization', () => {
  it('fills every default', () => {
    const plan = compile(MINIMAL);
    const route = plan.routes.chat!;
    expect(route).toMatchObject({
      aliases: ['chat'],
      type: 'chat',
      timeoutMs: 120_000,
      firstTokenTimeoutMs: 45_000,
      deadlineMs: 600_000,
      retry: { attempts: 2, on: [429, '5xx', 'network', 'timeout'], backoff: { initialMs: 200, maxMs: 5_000, multiplier: 2 } },
      cache: { enabled: false, ttlMs: 3_600_000, scope: 'consumer' },
      targets: ['m/small'],
    });
    expect(route.strategy).toEqual({ kind: 'target', provider: 'm', model: 'small', params: {}, timeoutMs: 120_000, weight: 1, via: null });
    expect(plan.gateway).toMatchObject({ auth: 'none', stage: 'default', runtime: { memoryMb: 1024, storeTimeoutMs: 250, logRetentionDays: 30 } });
    expect(plan.logging).toMatchObject({ bodies: false, clientIp: 'hashed', retentionDays: 30 });
    expect(plan.edge).toMatchObject({ priceClass: '100', originReadTimeoutMs: 60_000, waf: { enabled: false }, geo: null, domain: null });
    expect(plan.prices['m/small']).toMatchObject({ input: 0, output: 0, source: 'free' });
    expect(plan.aliases).toEqual({ chat: 'chat' });
  });

  it('inlines route references and resolves target timeouts (target > provider > route)', () => {
    const plan = compile(`version: 1
gateway: { name: mini, auth: none }
providers:
  m: { type: mock, timeout: 10s }
  n: { type: mock }
route_defaults: { timeout: 30s, fallback_on: [429, timeout] }
routes:
  base: { strategy: { fallback: [n/a, { target: m/b, timeout: 5s }] } }
  top:
    strategy:
      loadbalance:
        - { route: base, weight: 3 }
        - { target: m/c, weight: 1 }
`);
    const lb = plan.routes.top!.strategy as Extract<PlanNode, { kind: 'loadbalance' }>;
    expect(lb.children[0]).toMatchObject({ kind: 'fallback', via: 'base', weight: 3, on: [429, 'timeout'] });
    const ladder = (lb.children[0] as Extract<PlanNode, { kind: 'fallback' }>).children;
    expect(ladder.map((n) => n.kind === 'target' && n.timeoutMs)).toEqual([30_000, 5_000]);
    expect(lb.children[1]).toMatchObject({ kind: 'target', timeoutMs: 10_000, weight: 1 });
    expect(plan.routes.top!.targets).toEqual(['m/b', 'm/c', 'n/a']);
  });

  it('gives limits stable ids, scopes, selectors and store-failure defaults', () => {
    const plan = compile(read('examples/multi-provider.yaml'));
    const ids = plan.limits.map((l) => l.id);
    expect(ids).toEqual(['per-ip', 'global-rpm', 'team-search.requests-1m', 'search-monthly-budget', 'team-support.tokens-1h', 'team-support.concurrent']);
    const budget = plan.limits.find((l) => l.id === 'search-monthly-budget')!;
    expect(budget).toMatchObject({ kind: 'budget_usd', amount: 500, window: { kind: 'calendar', period: 'month' }, onStoreError: 'closed', consumers: ['team-search'], routes: ['chat', 'embed'] });
    const ip = plan.limits.find((l) => l.id === 'per-ip')!;
    expect(ip).toMatchObject({ scope: [{ kind: 'ip' }], consumers: null, onStoreError: 'open', window: { kind: 'duration', ms: 60_000 } });
    expect(plan.limits.find((l) => l.id === 'team-support.concurrent')).toMatchObject({ window: null, amount: 20 });
  });

  it('spreads a limit above one item write rate over shards', () => {
    const plan = compile(`${MINIMAL}limits:\n  - { name: hot, requests: 120000, window: 1m, scope: global }\n  - { name: cold, requests: 600, window: 1m, scope: global }\n`);
    expect(plan.limits.map((l) => [l.id, l.shards])).toEqual([['hot', 4], ['cold', 1]]);
  });

  it('resolves prices: spec over built-in; mock free; bedrock inference profiles', () => {
    const plan = compile(`version: 1
gateway: { name: mini, auth: none }
providers:
  oa: { type: openai, api_key: { secret: s/oa } }
  br: { type: bedrock }
routes:
  chat: { strategy: { fallback: [oa/gpt-4o-mini, br/us.anthropic.claude-3-5-haiku-20241022-v1:0, oa/my-finetune] } }
prices:
  oa/gpt-4o-mini: { input: 1, output: 2 }
`);
    expect(plan.prices['oa/gpt-4o-mini']).toEqual({ input: 1, output: 2, cachedInput: 1, cacheWrite: 1, reasoning: 2, source: 'spec' });
    expect(plan.prices['br/us.anthropic.claude-3-5-haiku-20241022-v1:0']).toMatchObject({ input: 0.8, output: 4, source: 'builtin' });
    expect(plan.prices['oa/my-finetune']).toBeUndefined();
    expect(plan.secrets).toEqual(['s/oa']);
  });

  it('resolves consumer route wildcards and key expiry to epoch ms', () => {
    const plan = compile(`version: 1
gateway: { name: mini }
providers: { m: { type: mock } }
routes: { b: { strategy: m/x }, a: { strategy: m/y } }
consumers:
  c:
    routes: ["*"]
    keys:
      - { sha256: ${'a'.repeat(64)}, expires: 2027-01-31 }
      - { secret: keys/c, expires: "2027-01-31T10:00:00Z" }
`);
    expect(plan.gateway.auth).toBe('keys');
    expect(plan.consumers.c!.routes).toEqual(['a', 'b']);
    expect(plan.consumers.c!.keys.map((k) => k.expiresAt)).toEqual([Date.UTC(2027, 0, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 31, 10)]);
    expect(plan.secrets).toEqual(['keys/c']);
  });
});

describe('alerts', () => {
  it('defaults every alarm on with the documented thresholds and no subscribers', () => {
    expect(compile(MINIMAL).alerts).toEqual({
      enabled: true,
      topicArn: null,
      notify: [],
      periodMs: 300_000,
      evaluationPeriods: 2,
      serverErrorPercent: 5,
      p99LatencyMs: 60_000,
      providerErrorPercent: 25,
      budgetUsedPercent: 80,
      droppedLogRecords: true,
    });
  });

  it('reads percentages, durations, off and subscribers', () => {
    const plan = compile(`${MINIMAL}alerts:
  notify: [{ email: oncall@example.com }, { https: "https://hooks.example.com/sluice?team=ai" }]
  server_error_rate: 0.5%
  p99_latency: 1500ms
  provider_error_rate: off
  budget_used: 100%
  dropped_log_records: false
  period: 1h
  evaluation_periods: 3
`);
    expect(plan.alerts).toEqual({
      enabled: true,
      topicArn: null,
      notify: [
        { kind: 'email', address: 'oncall@example.com' },
        { kind: 'https', url: 'https://hooks.example.com/sluice?team=ai' },
      ],
      periodMs: 3_600_000,
      evaluationPeriods: 3,
      serverErrorPercent: 0.5,
      p99LatencyMs: 1_500,
      providerErrorPercent: null,
      budgetUsedPercent: 100,
      droppedLogRecords: false,
    });
  });

  it('takes an existing topic in the gateway region, and is not an error without budgets', () => {
    const plan = compile(MINIMAL.replace('auth: none }', 'auth: none, region: eu-west-1 }') + 'alerts: { topic_arn: "arn:aws:sns:eu-west-1:123456789012:oncall", budget_used: 50% }\n');
    expect(plan.alerts).toMatchObject({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:oncall', notify: [], budgetUsedPercent: 50 });
    expect(plan.limits).toEqual([]);
  });

  it('merges stage overrides key by key (lists replace)', () => {
    const spec = `${MINIMAL.replace('gateway: { name: mini, auth: none }', `gateway:
  name: mini
  auth: none
  stages:
    dev: { overrides: { alerts: { enabled: false } } }
    prod: { overrides: { alerts: { p99_latency: 20s, notify: [{ email: pager@example.com }] } } }`)}alerts:
  notify: [{ email: oncall@example.com }]
  server_error_rate: 2%
`;
    expect(compile(spec, 'dev').alerts).toMatchObject({ enabled: false, serverErrorPercent: 2, notify: [{ kind: 'email', address: 'oncall@example.com' }] });
    expect(compile(spec, 'prod').alerts).toMatchObject({
      enabled: true,
      serverErrorPercent: 2,
      p99LatencyMs: 20_000,
      notify: [{ kind: 'email', address: 'pager@example.com' }],
    });
  });

  it('lets a stage clear subscribers so it can use an existing topic', () => {
    const spec = `${MINIMAL.replace('gateway: { name: mini, auth: none }', `gateway:
  name: mini
  auth: none
  stages:
    prod: { overrides: { alerts: { topic_arn: "arn:aws:sns:eu-west-1:123456789012:oncall", notify: [] } } }`)}alerts:
  notify: [{ email: oncall@example.com }]
`;
    expect(compile(spec, 'prod').alerts).toMatchObject({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:oncall', notify: [] });
  });
});

describe('plan hash', () => {
  it('is the same for the same behaviour written differently', () => {
    const reformatted = `# a comment
version: 1
routes:
  chat:
    strategy: "m/small"
providers:
  m:
    type: mock
gateway:
  auth: none
  name: mini
`;
    expect(compile(reformatted).hash).toBe(compile(MINIMAL).hash);
  });

  it('changes when behaviour changes', () => {
    expect(compile(MINIMAL.replace('m/small', 'm/large')).hash).not.toBe(compile(MINIMAL).hash);
  });

  it('is sha256 over the Plan without the hash', () => {
    expect(compile(MINIMAL).hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('diagnostics that need more than a fixture', () => {
  it('reports an unknown stage with the declared ones', () => {
    const r = compileSource(read('examples/multi-provider.yaml'), { file: 'm.yaml', stage: 'prdo', now: NOW });
    expect(r.plan).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['unknown-stage', 'stage "prdo" is not declared; did you mean "prod"?']]);
  });

  it('warns about expired keys relative to the clock', () => {
    const text = `version: 1
gateway: { name: mini }
providers: { m: { type: mock } }
routes: { chat: { strategy: m/x } }
consumers: { c: { keys: [{ sha256: ${'b'.repeat(64)}, expires: 2026-01-01 }] } }
`;
    const before = compileSource(text, { file: 't.yaml', now: Date.UTC(2025, 0, 1) });
    const after = compileSource(text, { file: 't.yaml', now: NOW });
    expect(before.diagnostics).toEqual([]);
    expect(after.diagnostics.map((d) => `${d.severity} ${d.code} ${d.start.line}:${d.start.col}`)).toEqual(['warning key-expired 5:111']);
    expect(after.plan).not.toBeNull();
  });

  it('warns about unused providers and env-only credentials without failing', () => {
    const r = compileSource(`version: 1
gateway: { name: mini, auth: none }
providers:
  m: { type: mock }
  oa: { type: openai, api_key: { env: OPENAI_API_KEY } }
routes: { chat: { strategy: m/x } }
`, { file: 't.yaml', now: NOW });
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.start.line}:${d.start.col}`)).toEqual([
      'warning unused-provider 5:3',
      'warning credential-env-only 5:32',
    ]);
    expect(r.plan).not.toBeNull();
  });

  it('caps the number of diagnostics and says how many were left out', () => {
    const routes = Array.from({ length: 120 }, (_, i) => `  r${i}: { strategy: nope${i}/x }`).join('\n');
    const r = compileSource(`version: 1\ngateway: { name: mini, auth: none }\nproviders: { m: { type: mock } }\nroutes:\n${routes}\n`, { file: 't.yaml', now: NOW });
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics.at(-1)).toMatchObject({ code: 'too-many-diagnostics', message: '21 more diagnostics were left out' });
  });

  it('never crashes on inputs that are not a spec', () => {
    for (const text of ['', '42', '- a\n- b', 'null', '{', '\u0000\u0001', 'a: &x [*x]', 'version: 1\ngateway: !!binary abc']) {
      const r = compileSource(text, { file: 't.yaml', now: NOW });
      expect(r.plan).toBeNull();
      expect(r.diagnostics.length).toBeGreaterThan(0);
    }
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    const r = compileSource(bomb, { file: 't.yaml', now: NOW });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
  });
});
