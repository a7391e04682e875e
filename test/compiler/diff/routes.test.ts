/** Scenarios for the routes section: routes added or removed, aliases, retries and timeouts. */
import { describe } from 'vitest';
import { editPlan, makePlan, route } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const r = (subject: string, action: Parameters<typeof ch>[2], message: string, flags: Parameters<typeof ch>[4] = []) => ch('routes', subject, action, message, flags);

describe('diff: routes', () => {
  runScenarios([
    {
      name: 'a new route raises spend (a new way to call models) and is granted to nobody by itself',
      head: makePlan({ routes: { summarize: route('summarize', 'openai/gpt-4o-mini', { aliases: ['summarize'] }) } }),
      changes: [r('route summarize', 'added', 'route summarize: added: openai/gpt-4o-mini; aliases summarize', ['raises-spend'])],
    },
    {
      name: 'a removed route is neutral and consumers losing it are not repeated',
      head: editPlan((p) => {
        delete p.routes.embed;
        p.consumers['team-search']!.routes = ['chat'];
        p.consumers['team-support']!.routes = ['chat', 'smart'];
        p.limits.forEach((l) => (l.routes = l.routes.filter((x) => x !== 'embed')));
      }),
      changes: [r('route embed', 'removed', 'route embed: removed')],
    },
    {
      name: 'aliases added and removed',
      head: makePlan({ routes: { chat: { aliases: ['chat', 'gpt-3.5-turbo'] } } }),
      changes: [
        r('route chat', 'added', 'route chat: alias "gpt-3.5-turbo" added'),
        r('route chat', 'removed', 'route chat: alias "gpt-4o-mini" removed'),
      ],
    },
    {
      name: 'retry attempts raised raise spend',
      head: makePlan({ routes: { chat: { retry: { attempts: 3 } } } }),
      changes: [r('route chat', 'changed', 'route chat: retry attempts 1 → 3', ['raises-spend'])],
    },
    {
      name: 'retry attempts lowered are neutral',
      base: makePlan({ routes: { chat: { retry: { attempts: 3 } } } }),
      head: makePlan(),
      changes: [r('route chat', 'changed', 'route chat: retry attempts 3 → 1')],
    },
    {
      name: 'retrying on more failure classes raises spend; backoff is neutral',
      head: makePlan({ routes: { chat: { retry: { on: ['5xx', 'rate_limited', 'timeout'], backoff: { maxMs: 8_000 } } } } }),
      changes: [
        r('route chat', 'changed', 'route chat: retry backoff 250ms ×2 up to 4s → 250ms ×2 up to 8s'),
        r('route chat', 'changed', 'route chat: retry on 5xx, rate_limited → 5xx, rate_limited, timeout', ['raises-spend']),
      ],
    },
    {
      name: 'a route timeout raised raises spend once (targets that follow it are not repeated)',
      head: editPlan((p) => {
        const chat = p.routes.chat!;
        chat.timeoutMs = 90_000;
        if (chat.strategy.kind === 'fallback') chat.strategy.children.forEach((c) => c.kind === 'target' && (c.timeoutMs = 90_000));
      }),
      changes: [r('route chat', 'changed', 'route chat: attempt timeout 1m → 1m30s', ['raises-spend'])],
    },
    {
      name: 'first-token timeout and deadline raised raise spend',
      head: makePlan({ routes: { smart: { firstTokenTimeoutMs: 30_000, deadlineMs: 300_000 } } }),
      changes: [
        r('route smart', 'changed', 'route smart: deadline 3m → 5m', ['raises-spend']),
        r('route smart', 'changed', 'route smart: first-token timeout 20s → 30s', ['raises-spend']),
      ],
    },
    {
      name: 'deadline lowered is neutral',
      head: makePlan({ routes: { smart: { deadlineMs: 120_000 } } }),
      changes: [r('route smart', 'changed', 'route smart: deadline 3m → 2m')],
    },
  ]);
});
