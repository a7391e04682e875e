/** Scenarios for strategy trees: fallback ladders, weighted splits, conditions, targets. */
import { describe } from 'vitest';
import type { PlanNode } from '../../../runtime/plan.ts';
import { conditional, editPlan, fallback, inlined, loadbalance, makePlan, route, target, when, type Mutable } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const HAIKU = 'anthropic/claude-3-5-haiku-latest';
const MINI = 'openai/gpt-4o-mini';
const BEDROCK = 'bedrock/anthropic.claude-3-haiku-20240307-v1:0';
const SONNET = 'anthropic/claude-3-5-sonnet-latest';
const PREMIUM = when({ consumerTags: { tier: ['premium'] } });

const r = (subject: string, action: Parameters<typeof ch>[2], message: string, flags: Parameters<typeof ch>[4] = []) => ch('routes', subject, action, message, flags);

/** The default Plan with route `name`'s strategy replaced (targets follow it). */
function withStrategy(name: 'chat' | 'smart' | 'embed', strategy: PlanNode | string, inlineChat = true) {
  return editPlan((p) => {
    const old = p.routes[name]!;
    p.routes[name] = route(name, strategy, { aliases: [...old.aliases], type: old.type, cache: { ...old.cache } });
    if (name === 'chat' && inlineChat && typeof strategy !== 'string') {
      const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
      const premium = smart.branches[0]!.then as Mutable<ReturnType<typeof fallback>>;
      premium.children[1] = inlined(strategy, 'chat') as Mutable<PlanNode>;
    }
  });
}

describe('diff: strategy trees', () => {
  runScenarios([
    {
      name: 'fallback end changed: a rung appended (costlier than the route reached) raises spend',
      head: withStrategy('chat', fallback([MINI, HAIKU, BEDROCK, 'openai/gpt-4o'])),
      changes: [
        r('route chat', 'changed', `route chat: fallback now ends at openai/gpt-4o (was ${BEDROCK})`, ['raises-spend']),
        r('route smart', 'changed', 'route smart: when consumer tag tier is premium: steps inlined from route chat changed (see route chat)'),
      ],
    },
    {
      name: 'fallback end changed: a cheaper last rung is neutral',
      base: withStrategy('chat', fallback([MINI, HAIKU]), false),
      head: withStrategy('chat', fallback([MINI, HAIKU, BEDROCK]), false),
      changes: [r('route chat', 'changed', `route chat: fallback now ends at ${BEDROCK} (was ${HAIKU})`)],
    },
    {
      name: 'fallback end changed: the last rung removed',
      head: withStrategy('chat', fallback([MINI, HAIKU]), false),
      changes: [r('route chat', 'changed', `route chat: fallback now ends at ${HAIKU} (was ${BEDROCK})`)],
    },
    {
      name: 'a rung inserted before cheaper rungs raises spend',
      head: withStrategy('chat', fallback([MINI, 'openai/gpt-4o', HAIKU, BEDROCK]), false),
      changes: [r('route chat', 'added', 'route chat: fallback rung openai/gpt-4o added as rung 2 of 4', ['raises-spend'])],
    },
    {
      name: 'the cheap first rung removed raises spend (costlier rungs take its traffic)',
      head: withStrategy('chat', fallback([HAIKU, BEDROCK]), false),
      changes: [r('route chat', 'removed', `route chat: fallback rung ${MINI} removed`, ['raises-spend'])],
    },
    {
      name: 'rungs reordered so a costlier model is tried first raise spend',
      head: withStrategy('chat', fallback([HAIKU, MINI, BEDROCK]), false),
      changes: [r('route chat', 'changed', `route chat: fallback reordered: ${HAIKU} → ${MINI} → ${BEDROCK} (was ${MINI} → ${HAIKU} → ${BEDROCK})`, ['raises-spend'])],
    },
    {
      name: 'rungs reordered so a cheaper model is tried first are neutral',
      base: withStrategy('chat', fallback([HAIKU, MINI, BEDROCK]), false),
      head: withStrategy('chat', fallback([MINI, HAIKU, BEDROCK]), false),
      changes: [r('route chat', 'changed', `route chat: fallback reordered: ${MINI} → ${HAIKU} → ${BEDROCK} (was ${HAIKU} → ${MINI} → ${BEDROCK})`)],
    },
    {
      name: 'falling back on more failure classes raises spend',
      head: withStrategy('chat', fallback([MINI, HAIKU, BEDROCK], { on: ['5xx', 'rate_limited', 'timeout', 'overloaded'] }), false),
      changes: [r('route chat', 'changed', 'route chat: fallback on 5xx, rate_limited, timeout → 5xx, rate_limited, timeout, overloaded', ['raises-spend'])],
    },
    {
      name: 'weight moved to the costlier member raises spend',
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        const split = smart.default as Mutable<ReturnType<typeof loadbalance>>;
        split.children[0]!.weight = 1;
      }),
      changes: [r('route smart', 'changed', `route smart: otherwise: loadbalance weights moved: openai/gpt-4o 75% → 50%, ${SONNET} 25% → 50%`, ['raises-spend'])],
    },
    {
      name: 'weight moved to the cheaper member is neutral',
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        const split = smart.default as Mutable<ReturnType<typeof loadbalance>>;
        split.children[0]!.weight = 9;
      }),
      changes: [r('route smart', 'changed', `route smart: otherwise: loadbalance weights moved: openai/gpt-4o 75% → 90%, ${SONNET} 25% → 10%`)],
    },
    {
      name: 'a loadbalance target added with an unknown price raises spend',
      head: withStrategy('embed', loadbalance([['openai/text-embedding-3-small', 1], ['cohere/embed-v4', 1]])),
      changes: [r('route embed', 'changed', 'route embed: strategy now loadbalance openai/text-embedding-3-small (50%), cohere/embed-v4 (50%) (was openai/text-embedding-3-small)', ['raises-spend'])],
    },
    {
      name: 'a cheaper loadbalance member added is neutral; shares of the others do not count as moved',
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        const split = smart.default as Mutable<ReturnType<typeof loadbalance>>;
        split.children.push({ ...target(MINI), weight: 1 });
      }),
      changes: [r('route smart', 'added', `route smart: otherwise: loadbalance member ${MINI} added (20%)`)],
    },
    {
      name: 'a loadbalance member removed raises spend when a costlier one takes its share',
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        const split = smart.default as Mutable<ReturnType<typeof loadbalance>>;
        split.children.splice(0, 1);
      }),
      changes: [r('route smart', 'removed', 'route smart: otherwise: loadbalance member openai/gpt-4o removed (was 75%)', ['raises-spend'])],
    },
    {
      name: 'stickiness is neutral',
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        (smart.default as Mutable<ReturnType<typeof loadbalance>>).sticky = 'none';
      }),
      changes: [r('route smart', 'changed', 'route smart: otherwise: loadbalance sticky per consumer → off')],
    },
    {
      name: 'a condition added that routes to a costlier model raises spend',
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        smart.branches.push({ when: when({ header: { 'x-quality': ['max'] } }), then: target('anthropic/claude-opus-4') });
      }),
      changes: [r('route smart', 'added', 'route smart: condition added: when header x-quality is max → anthropic/claude-opus-4', ['raises-spend'])],
    },
    {
      name: 'a condition removed sends its requests to the default',
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        smart.branches.splice(0, 1);
      }),
      changes: [
        r('route smart', 'removed', 'route smart: condition removed: when consumer tag tier is premium → (fallback openai/gpt-4o → route chat)', ['raises-spend']),
      ],
    },
    {
      name: 'conditions reordered',
      base: withStrategy('smart', conditional([[PREMIUM, 'openai/gpt-4o'], [when({ country: ['DE', 'FR'] }), HAIKU]], MINI)),
      head: withStrategy('smart', conditional([[when({ country: ['DE', 'FR'] }), HAIKU], [PREMIUM, 'openai/gpt-4o']], MINI)),
      changes: [
        r('route smart', 'changed', 'route smart: conditions now checked in order: country in DE, FR; consumer tag tier is premium (was consumer tag tier is premium; country in DE, FR)'),
      ],
    },
    {
      name: 'a change inside a branch names the branch',
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        const premium = smart.branches[0]!.then as Mutable<ReturnType<typeof fallback>>;
        premium.children[0] = target('openai/gpt-4o', { params: { temperature: 0.7, max_tokens: 2048 } });
      }),
      changes: [
        r('route smart', 'changed', 'route smart: when consumer tag tier is premium: openai/gpt-4o param max_tokens set to 2048'),
        r('route smart', 'changed', 'route smart: when consumer tag tier is premium: openai/gpt-4o param temperature 0.2 → 0.7'),
      ],
    },
    {
      name: 'a max_tokens param raised or removed raises spend',
      base: withStrategy('embed', target('openai/text-embedding-3-small', { params: { max_tokens: 100 } })),
      head: withStrategy('embed', target('openai/text-embedding-3-small', { params: {} })),
      changes: [r('route embed', 'changed', 'route embed: openai/text-embedding-3-small param max_tokens removed (was 100)', ['raises-spend'])],
    },
    {
      name: "a target's own timeout raised raises spend",
      head: withStrategy('chat', fallback([target(MINI), target(HAIKU, { timeoutMs: 120_000 }), BEDROCK]), false),
      changes: [r('route chat', 'changed', `route chat: ${HAIKU} attempt timeout 1m → 2m`, ['raises-spend'])],
    },
    {
      name: 'the single target of a route replaced by a costlier one raises spend',
      head: withStrategy('embed', 'openai/text-embedding-3-large'),
      changes: [r('route embed', 'changed', 'route embed: target now openai/text-embedding-3-large (was openai/text-embedding-3-small)', ['raises-spend'])],
    },
    {
      name: 'a strategy kind change is described whole',
      head: withStrategy('chat', loadbalance([[MINI, 1], [BEDROCK, 1]]), false),
      changes: [r('route chat', 'changed', `route chat: strategy now loadbalance ${MINI} (50%), ${BEDROCK} (50%) (was fallback ${MINI} → ${HAIKU} → ${BEDROCK})`)],
    },
    {
      name: 'a change inside a nested rung names the rung',
      base: withStrategy('chat', fallback([loadbalance([[MINI, 1], [BEDROCK, 1]]), HAIKU]), false),
      head: withStrategy('chat', fallback([loadbalance([[MINI, 1], [BEDROCK, 3]]), HAIKU]), false),
      changes: [r('route chat', 'changed', `route chat: fallback rung 1: loadbalance weights moved: ${MINI} 50% → 25%, ${BEDROCK} 50% → 75%`, ['raises-spend'])],
    },
    {
      name: "an inlined route's steps that follow this route's settings are told in full",
      head: editPlan((p) => {
        const smart = p.routes.smart!.strategy as Mutable<ReturnType<typeof conditional>>;
        const premium = smart.branches[0]!.then as Mutable<ReturnType<typeof fallback>>;
        premium.on = ['5xx', 'rate_limited', 'timeout', 'overloaded'];
        (premium.children[1] as Mutable<ReturnType<typeof fallback>>).on = ['5xx', 'rate_limited', 'timeout', 'overloaded'];
      }),
      changes: [
        r('route smart', 'changed', 'route smart: when consumer tag tier is premium: fallback on 5xx, rate_limited, timeout → 5xx, rate_limited, timeout, overloaded', ['raises-spend']),
        r('route smart', 'changed', 'route smart: when consumer tag tier is premium: inlined route chat: fallback on 5xx, rate_limited, timeout → 5xx, rate_limited, timeout, overloaded', ['raises-spend']),
      ],
    },
    {
      name: 'the same tree with only the hash changed is no change',
      head: makePlan({ hash: 'sha256:ffff' }),
      changes: [],
    },
  ]);
});
