/**
 * Spend in micro-USD (integers, so counters stay exact): the cost of an answer from the
 * Plan's price of the model that served it, with cache-read, cache-write and reasoning tokens
 * at their own rates when the provider reports them, and the worst case a request can reach.
 * @module
 */
import type { Usage } from '../openai/types.ts';
import type { PlanPrice } from '../plan.ts';

/** Prices are USD per million tokens, so price × tokens is micro-USD. */
export function costMicroUsd(price: PlanPrice, usage: Usage): number {
  const cached = Math.min(usage.prompt_tokens, usage.prompt_tokens_details?.cached_tokens ?? 0);
  const written = Math.min(usage.prompt_tokens - cached, usage.prompt_tokens_details?.cache_creation_tokens ?? 0);
  const reasoning = Math.min(usage.completion_tokens, usage.completion_tokens_details?.reasoning_tokens ?? 0);
  const cost =
    (usage.prompt_tokens - cached - written) * price.input +
    cached * price.cachedInput +
    written * price.cacheWrite +
    (usage.completion_tokens - reasoning) * price.output +
    reasoning * price.reasoning;
  return Math.ceil(cost);
}

/** The highest input and output prices among `targets` (a budget reserves for the worst of them). */
export function worstPrice(prices: Readonly<Record<string, PlanPrice>>, targets: readonly string[]): { input: number; output: number } {
  let input = 0;
  let output = 0;
  for (const t of targets) {
    const p = prices[t];
    if (!p) continue;
    input = Math.max(input, p.input, p.cacheWrite);
    output = Math.max(output, p.output, p.reasoning);
  }
  return { input, output };
}
