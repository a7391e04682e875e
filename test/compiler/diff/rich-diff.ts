/** One rich head Plan touching every section, for the golden renderings. */
import type { Plan } from '../../../runtime/plan.ts';
import { consumer, editPlan, endOfDay, limit, sha256Key, target } from './plan-factory.ts';

/** The default Plan after a busy pull request. */
export const RICH_HEAD: Plan = editPlan((p) => {
  p.hash = 'sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
  p.gateway.auth = 'none';
  p.gateway.runtime.memoryMb = 2048;
  p.providers.mistral = {
    type: 'openai-compatible',
    name: 'mistral',
    models: null,
    timeoutMs: null,
    baseUrl: 'https://api.mistral.ai/v1',
    apiKey: { secret: 'sluice/mistral', field: null, env: 'MISTRAL_API_KEY' },
    streamUsage: true,
  };
  const chat = p.routes.chat!;
  if (chat.strategy.kind === 'fallback') chat.strategy.children.push(target('mistral/mistral-large-latest'));
  chat.targets.push('mistral/mistral-large-latest');
  const smart = p.routes.smart!;
  if (smart.strategy.kind === 'conditional') {
    const premium = smart.strategy.branches[0]!.then;
    if (premium.kind === 'fallback') premium.children[1] = { ...structuredClone(chat.strategy), via: 'chat' };
  }
  smart.targets.push('mistral/mistral-large-latest');
  chat.retry.attempts = 2;
  chat.cache.ttlMs = 600_000;
  delete p.consumers['team-search']!.tags.team;
  p.consumers['team-search']!.routes.push('smart');
  p.consumers['team-support']!.keys = [
    sha256Key('support-2027', { label: 'current', expiresAt: endOfDay('2027-12-31') }),
    p.consumers['team-support']!.keys[1]!,
  ];
  p.consumers['team-ops'] = consumer('team-ops', { keys: [sha256Key('ops', { label: 'ops-1' })], routes: ['chat'] });
  p.limits[0]!.amount = 1200;
  p.limits.push(limit('team-ops/requests', { amount: 60, owner: 'team-ops', consumers: ['team-ops'] }));
  p.limits = p.limits.filter((l) => l.id !== 'per-ip');
  p.logging.bodies = true;
  p.logging.redact = p.logging.redact.filter((r) => r.name !== 'email');
  p.edge.waf.rateLimit = 5_000;
  p.edge.originReadTimeoutMs = 90_000;
  p.guardrails.promptInjection = 'block';
  p.guardrails.deny.push({ name: 'card_*number*', pattern: '\\b4[0-9]{12}(?:[0-9]{3})?\\b' });
  p.prices['anthropic/claude-3-5-haiku-latest']!.output = 5;
});
