/**
 * Runs a strategy tree for a call: fallback ladders move on when a failure is listed in
 * their `on`, loadbalance and conditional nodes choose one child, and targets are retried
 * with backoff under the route's retry policy and the request's deadline.
 * @module
 */
import type { PlanFallbackNode, PlanNode, PlanTargetNode } from '../plan.ts';
import type { Outcome } from './answer.ts';
import { attempt, stopFailure } from './attempt.ts';
import { retryDelay, sleep } from './backoff.ts';
import type { Call, StopReason } from './call.ts';
import { countsAgainstTarget, failure, matches, type ErrorClass } from './failure.ts';
import { conditionHolds, pickChild } from './pick.ts';

/** Runs `node` for `call`; `where` names the node's position (for sticky choices). */
export async function run(call: Call, node: PlanNode, where: string): Promise<Outcome> {
  switch (node.kind) {
    case 'target':
      return runTarget(call, node);
    case 'fallback':
      return runFallback(call, node, where);
    case 'loadbalance': {
      const { ctx } = call;
      const child = pickChild(node, where, call.consumer, ctx.breakers, ctx.clock.now(), ctx.random);
      return run(call, child, `${where}/${node.children.indexOf(child)}`);
    }
    case 'conditional': {
      const i = node.branches.findIndex((b) => conditionHolds(b.when, call.facts, call.consumer));
      return run(call, i < 0 ? node.default : node.branches[i]!.then, `${where}/${i < 0 ? 'default' : i}`);
    }
  }
}

function stopped(call: Call): Outcome | null {
  return call.signal.aborted ? { ok: false, failure: stopFailure(call.signal.reason as StopReason) } : null;
}

async function runFallback(call: Call, node: PlanFallbackNode, where: string): Promise<Outcome> {
  let last: Outcome | null = null;
  for (const [i, child] of node.children.entries()) {
    const stop = stopped(call);
    if (stop) return stop;
    last = await run(call, child, `${where}/${i}`);
    // A refusal that came as an answer (Anthropic's stop_reason "refusal", OpenAI's
    // finish_reason "content_filter") moves on only where the ladder lists content_filtered,
    // and only while another rung is left: the last refusal is still the client's answer.
    if (last.ok && i < node.children.length - 1 && refusedAnswer(last) && matches(REFUSED, node.on)) continue;
    if (last.ok || !matches(last.failure, node.on)) return last;
  }
  return last!;
}

const REFUSED = failure('content_filtered', 'content_filtered', 'The provider refused to answer.');

/** A canonical JSON chat answer whose first choice was stopped by the provider's content filter. */
function refusedAnswer(o: Outcome): boolean {
  if (!o.ok || o.answer.kind !== 'json' || o.answer.native) return false;
  const choices = o.answer.value.choices;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  return typeof first === 'object' && first !== null && (first as { finish_reason?: unknown }).finish_reason === 'content_filter';
}

/** Failures the same target gives again on another try, whatever `retry.on` lists (a fallback may still help). */
const UNCHANGING: ReadonlySet<ErrorClass> = new Set<ErrorClass>(['invalid_request', 'context_length_exceeded', 'auth']);

async function runTarget(call: Call, target: PlanTargetNode): Promise<Outcome> {
  const { ctx, route } = call;
  const key = `${target.provider}/${target.model}`;
  for (let retry = 0; ; retry++) {
    const stop = stopped(call);
    if (stop) return stop;
    if (!ctx.breakers.acquire(key, ctx.clock.now())) {
      return { ok: false, failure: failure('overloaded', 'circuit_open', `${key} is failing repeatedly; its circuit breaker is open.`) };
    }
    let outcome: Outcome;
    try {
      outcome = await attempt(call, target);
    } catch (error) {
      ctx.breakers.release(key);
      throw error;
    }
    if (outcome.ok) {
      ctx.breakers.success(key);
      return outcome;
    }
    const f = outcome.failure;
    if (call.signal.aborted) {
      // No verdict on the target: a probe it was given goes back for the next caller.
      ctx.breakers.release(key);
      return outcome;
    }
    if (countsAgainstTarget(f)) ctx.breakers.failure(key, ctx.clock.now());
    else ctx.breakers.success(key);
    if (f.final || UNCHANGING.has(f.class) || retry >= route.retry.attempts || !matches(f, route.retry.on)) return outcome;
    // A POST the provider may have accepted is not sent to it again, unless the client made it idempotent.
    if (f.maybeAccepted && call.idempotencyKey === null) return outcome;
    const wait = retryDelay(retry + 1, route.retry, f.retryAfterMs, ctx.random);
    if (wait === null || ctx.clock.now() + wait >= call.deadlineAt) return outcome;
    if (!(await sleep(wait, call.signal))) return stopped(call) ?? outcome;
  }
}
