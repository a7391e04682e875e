/** Scenarios for the limits section: amounts, windows, scopes, selectors, store-error policy. */
import { describe } from 'vitest';
import type { PlanLimit } from '../../../runtime/plan.ts';
import { editPlan, limit } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const l = (subject: string, action: Parameters<typeof ch>[2], message: string, flags: Parameters<typeof ch>[4] = []) => ch('limits', subject, action, message, flags);
const BOTH = ['loosens-security', 'raises-spend'] as const;
const SECURITY = ['loosens-security'] as const;

/** The default Plan with the limit `id` edited. */
function withLimit(id: string, edit: (limit: { -readonly [K in keyof PlanLimit]: PlanLimit[K] }) => void) {
  return editPlan((p) => {
    const found = p.limits.find((x) => x.id === id);
    if (found === undefined) throw new Error(`no limit ${id}`);
    edit(found);
  });
}

const withoutLimit = (id: string) => editPlan((p) => void (p.limits = p.limits.filter((x) => x.id !== id)));

describe('diff: limits', () => {
  runScenarios([
    {
      name: "a consumer's requests limit raised (described under the consumer)",
      head: withLimit('team-search/requests', (x) => (x.amount = 1200)),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: requests limit 600/min → 1200/min', BOTH)],
    },
    {
      name: 'a limit lowered is neutral',
      head: withLimit('team-search/requests', (x) => (x.amount = 300)),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: requests limit 600/min → 300/min')],
    },
    {
      name: 'a shorter window at the same amount is a raise',
      head: withLimit('team-search/requests', (x) => (x.window = { kind: 'duration', ms: 30_000 })),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: requests limit 600/min → 600/30s', BOTH)],
    },
    {
      name: 'a longer window at the same amount is neutral',
      head: withLimit('team-search/requests', (x) => (x.window = { kind: 'duration', ms: 3_600_000 })),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: requests limit 600/min → 600/h')],
    },
    {
      name: 'a budget raised raises spend',
      head: withLimit('search-monthly-budget', (x) => (x.amount = 1000)),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: budget limit $500/month → $1000/month', BOTH)],
    },
    {
      name: 'a budget removed raises spend',
      head: withoutLimit('search-monthly-budget'),
      changes: [l('consumer team-search', 'removed', 'consumer team-search: budget limit $500/month removed', BOTH)],
    },
    {
      name: 'a token limit raised raises spend',
      head: withLimit('team-support/tokens', (x) => (x.amount = 5_000_000)),
      changes: [l('consumer team-support', 'changed', 'consumer team-support: tokens limit 2,000,000 tokens/h → 5,000,000 tokens/h', BOTH)],
    },
    {
      name: 'a concurrency limit raised loosens security only',
      head: withLimit('team-support/concurrent', (x) => (x.amount = 40)),
      changes: [l('consumer team-support', 'changed', 'consumer team-support: concurrency limit 20 in flight → 40 in flight', SECURITY)],
    },
    {
      name: 'a gateway-wide limit raised (described under its id)',
      head: withLimit('per-ip', (x) => (x.amount = 240)),
      changes: [l('limit per-ip', 'changed', 'limit per-ip: requests 120/min → 240/min', BOTH)],
    },
    {
      name: 'a limit removed loosens security and raises spend',
      head: withoutLimit('global-rpm'),
      changes: [l('limit global-rpm', 'removed', 'limit global-rpm: requests 20,000/min removed', BOTH)],
    },
    {
      name: 'a limit added is neutral',
      head: editPlan((p) => void p.limits.push(limit('daily-tokens', { kind: 'tokens', amount: 50_000_000, window: { kind: 'calendar', period: 'day' } }))),
      changes: [l('limit daily-tokens', 'added', 'limit daily-tokens: tokens 50,000,000 tokens/day added')],
    },
    {
      name: 'scope widened: one global counter split per consumer',
      head: withLimit('global-rpm', (x) => (x.scope = [{ kind: 'consumer' }])),
      changes: [l('limit global-rpm', 'changed', 'limit global-rpm: requests counted globally → per consumer', BOTH)],
    },
    {
      name: 'scope widened: per consumer → per consumer and route',
      head: withLimit('team-search/requests', (x) => (x.scope = [{ kind: 'consumer' }, { kind: 'route' }])),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: requests limit counted per consumer → per consumer and route', BOTH)],
    },
    {
      name: 'scope narrowed: per IP → global is neutral',
      head: withLimit('per-ip', (x) => (x.scope = [{ kind: 'global' }])),
      changes: [l('limit per-ip', 'changed', 'limit per-ip: requests counted per IP → globally')],
    },
    {
      name: 'a header scope is named',
      head: withLimit('per-ip', (x) => (x.scope = [{ kind: 'header', header: 'x-tenant' }])),
      changes: [l('limit per-ip', 'changed', 'limit per-ip: requests counted per IP → per header x-tenant', BOTH)],
    },
    {
      name: 'applying to fewer routes loosens',
      head: withLimit('per-ip', (x) => (x.routes = ['chat'])),
      changes: [l('limit per-ip', 'changed', 'limit per-ip: requests now applies to route chat (was all routes)', BOTH)],
    },
    {
      name: 'applying to more routes is neutral',
      base: withLimit('per-ip', (x) => (x.routes = ['chat'])),
      head: withLimit('per-ip', () => undefined),
      changes: [l('limit per-ip', 'changed', 'limit per-ip: requests now applies to all routes (was route chat)')],
    },
    {
      name: 'every caller narrowed to named consumers loosens (anonymous callers escape it)',
      head: withLimit('per-ip', (x) => (x.consumers = ['team-search', 'team-support'])),
      changes: [l('limit per-ip', 'changed', 'limit per-ip: requests now applies to consumers team-search, team-support (was every caller)', BOTH)],
    },
    {
      name: 'fail open on store errors loosens security',
      head: withLimit('search-monthly-budget', (x) => (x.onStoreError = 'open')),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: budget limit now fails open when the store errors (was closed)', SECURITY)],
    },
    {
      name: 'fail closed on store errors is neutral',
      head: withLimit('per-ip', (x) => (x.onStoreError = 'closed')),
      changes: [l('limit per-ip', 'changed', 'limit per-ip: requests now fails closed when the store errors (was open)')],
    },
    {
      name: 'sliding → fixed window loosens security (bursts at window boundaries)',
      head: withLimit('team-support/tokens', (x) => (x.algorithm = 'fixed')),
      changes: [l('consumer team-support', 'changed', 'consumer team-support: tokens limit algorithm sliding → fixed', SECURITY)],
    },
    {
      name: 'a derived id that changes with the window still pairs the limit',
      head: withLimit('team-search/requests', (x) => {
        x.id = 'team-search/requests/1h';
        x.window = { kind: 'duration', ms: 3_600_000 };
        x.amount = 60_000;
      }),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: requests limit 600/min → 60,000/h', BOTH)],
    },
    {
      name: 'two limits of one kind under one consumer are told apart by id',
      base: editPlan((p) => void p.limits.push(limit('search-daily', { amount: 10_000, window: { kind: 'calendar', period: 'day' }, owner: 'team-search' }))),
      head: editPlan((p) => void p.limits.push(limit('search-daily', { amount: 20_000, window: { kind: 'calendar', period: 'day' }, owner: 'team-search' }))),
      changes: [l('consumer team-search', 'changed', 'consumer team-search: requests limit "search-daily" 10,000/day → 20,000/day', BOTH)],
    },
    {
      name: 'counter shards are internal and not a change',
      head: withLimit('global-rpm', (x) => (x.shards = 8)),
      changes: [],
    },
  ]);
});
