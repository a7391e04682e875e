/**
 * `POST /v1/chat/completions`, `/v1/messages`, `/v1/responses` and `/v1/embeddings`: identify
 * the caller, match the route, run its strategy, and answer in the client's protocol with
 * JSON or a relayed stream. The request record is
 * written after the response, inside the same invocation.
 * @module
 */
import type { AnswerContext, ClientProtocol } from '../../apis/types.ts';
import type { RecordDraft } from '../../log/draft.ts';
import type { RequestRecord } from '../../log/types.ts';
import type { JsonObject, Usage } from '../../openai/types.ts';
import type { PlanRoute } from '../../plan.ts';
import { cachePlan, lookup, needsLookup, NO_LOOKUP, save, type CachedAnswer, type CacheStatus } from '../../policies/cache.ts';
import { costMicroUsd } from '../../policies/cost.ts';
import { admit, openGate, type Admission, type Refusal } from '../../policies/limits.ts';
import type { Answer } from '../../routing/answer.ts';
import { requestSignal, type Call } from '../../routing/call.ts';
import { run } from '../../routing/execute.ts';
import { clientCode, failureResponse } from '../../routing/failure-response.ts';
import { arraySource, keepCopy } from '../../stream/pieces.ts';
import { relay, type StreamSummary } from '../../stream/relay.ts';
import { readJsonBody } from '../body.ts';
import { adapterFor } from '../../providers/registry.ts';
import type { HandlerContext } from '../context.ts';
import { errorResponse, GatewayError } from '../errors.ts';
import { requestFacts } from '../facts.ts';
import { CLIENT_HEADERS, headerValue, SLUICE_HEADERS } from '../headers.ts';
import { identify } from '../identify.ts';
import { matchRoute } from '../match.ts';
import { jsonResponse } from '../respond.ts';
import { streamResponse } from '../response.ts';
import type { GatewayRequest } from '../request.ts';
import { asUsage, recordUsage } from '../usage.ts';
import { merged } from '../../merged.ts';

/** Per-request facts the route handlers share with `handle`. */
export interface RequestInfo {
  readonly id: string;
  readonly startedAt: number;
  /** The request's record: routes add what they learn; `handle` writes it unless a stream defers it. */
  readonly record: RecordDraft;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/** Serves a chat completion or an embeddings request. */
export async function completions(request: GatewayRequest, ctx: HandlerContext, info: RequestInfo, endpoint: PlanRoute['type'], protocol: ClientProtocol): Promise<Response> {
  const draft = info.record;
  const consumer = await identify(request, ctx);
  draft.consumer = consumer;
  const clientBody = await readJsonBody(request, ctx.plan.guardrails.maxRequestKb);
  draft.requestedModel = typeof clientBody.model === 'string' ? clientBody.model.slice(0, 200) : null;
  draft.keepRequestBody(clientBody);
  const facts = requestFacts(request);
  draft.keepMetadata(facts.metadata);
  const route = matchRoute(ctx.plan, clientBody.model, endpoint, consumer);
  draft.route = route.name;
  const { body, nativeOnly } = canonicalBody(ctx, route, endpoint, protocol, clientBody);
  if (!nativeOnly) validateBody(body, endpoint);
  const stream = endpoint === 'chat' && protocol.wantsStream(clientBody);
  draft.stream = stream;
  const answerCtx: AnswerContext = { requestedModel: String(clientBody.model), requestId: info.id, created: Math.floor(info.startedAt / 1000) };
  const signal = requestSignal(request.signal, route.deadlineMs);
  const call: Call = {
    ctx,
    requestId: info.id,
    route,
    endpoint,
    protocol,
    clientBody,
    body,
    stream,
    consumer,
    facts,
    startedAt: info.startedAt,
    deadlineAt: info.startedAt + route.deadlineMs,
    signal: signal.signal,
    idempotencyKey: request.headers.get(CLIENT_HEADERS.idempotencyKey),
    apiHeaders: apiHeadersOf(request),
    attempts: [],
  };
  draft.attempts = call.attempts;
  // One round of parallel store calls before the upstream call: every limit, and the cache.
  const cache = cachePlan(route, protocol.api, consumer, stream, clientBody, request.headers);
  const timeoutMs = ctx.plan.gateway.runtime.storeTimeoutMs;
  const open = openGate(ctx.plan, route, consumer, ctx.store);
  const [gate, found] =
    open !== null && !needsLookup(cache, ctx.store)
      ? [open, NO_LOOKUP]
      : await Promise.all([
          open ?? admit({ plan: ctx.plan, route, consumer, clientIp: ctx.clientIp, headers: request.headers, body, now: info.startedAt }, ctx.store, ctx.limitMemory, ctx.random),
          lookup(cache, ctx.store, info.startedAt, timeoutMs),
        ]);
  draft.limits = gate.decisions;
  if (!gate.ok) {
    signal.dispose();
    draft.cache = 'BYPASS';
    draft.errorCode = gate.refusal.code;
    return refusalResponse(gate.refusal, merged(gate.headers, { [SLUICE_HEADERS.route]: route.name }), protocol);
  }
  // Whatever happens from here, the admission is settled exactly once (a lease never waits for expiry).
  let settled = false;
  const admission: Admission = {
    headers: gate.admission.headers,
    settle: (usage, served) => {
      if (settled) return Promise.resolve();
      settled = true;
      return gate.admission.settle(usage, served);
    },
  };
  try {
    const status: CacheStatus = cache.status === 'bypass' ? 'BYPASS' : found.hit ? 'HIT' : 'MISS';
    draft.cache = status;
    const policyHeaders = merged(admission.headers, { [SLUICE_HEADERS.cache]: status });
    if (found.hit) {
      signal.dispose();
      ctx.waitUntil(admission.settle(null, null));
      const hit = found.hit;
      draft.provider = hit.provider;
      draft.model = hit.model;
      draft.usage = hit.usage ? recordUsage(hit.usage, body, 0) : null;
      draft.costUsd = 0;
      draft.keepResponseBody(hit.kind === 'json' ? (hit.text ?? '') : (hit.pieces ?? []).join(''));
      return cachedResponse(hit, merged(policyHeaders, { [SLUICE_HEADERS.route]: route.name, [SLUICE_HEADERS.attempts]: '0' }));
    }
    const outcome = await run(call, route.strategy, route.name);
    const headers = merged(routeHeaders(route, call, outcome.ok ? outcome.answer : null), policyHeaders);
    if (!outcome.ok) {
      signal.dispose();
      ctx.waitUntil(admission.settle(null, null));
      draft.errorCode = clientCode(outcome.failure);
      return withHeaders(failureResponse(outcome.failure, call.attempts, protocol), headers);
    }
    const answer = outcome.answer;
    const servedKey = `${answer.served.provider}/${answer.served.model}`;
    draft.provider = answer.served.provider;
    draft.model = answer.served.model;
    if (answer.kind === 'json') {
      signal.dispose();
      const usage = recordUsage(answer.usage, body, 0);
      const text = answer.native || protocol.api === 'chat' ? answer.text : JSON.stringify(protocol.fromChat(answer.value, answerCtx));
      ctx.waitUntil(admission.settle(answer.usage ?? asUsage(usage), servedKey));
      ctx.waitUntil(save(cache, ctx.store, { kind: 'json', text, pieces: null, provider: answer.served.provider, model: answer.served.model, usage: answer.usage }, found.generations, info.startedAt, timeoutMs));
      draft.usage = usage;
      draft.costUsd = costOf(ctx, servedKey, answer.usage ?? asUsage(usage));
      draft.keepResponseBody(text);
      return jsonResponse(text, 200, headers);
    }
    // A stream's record is written when the stream ends, with what the stream carried.
    draft.ttfbMs = ctx.clock.now() - info.startedAt;
    draft.deferred = true;
    const pieces: string[] | null = cache.write || ctx.plan.logging.bodies ? [] : null;
    let done!: (summary: StreamSummary) => void;
    const ended = new Promise<StreamSummary>((resolve) => (done = resolve));
    let passed!: (whole: boolean) => void;
    const collected = pieces ? new Promise<boolean>((resolve) => (passed = resolve)) : Promise.resolve(false);
    // The relay reports its end before its last piece is written: wait for the whole body to pass.
    ctx.waitUntil(
      Promise.all([ended, collected]).then(async ([s, whole]) => {
        signal.dispose();
        const usage = recordUsage(s.usage, body, s.outputChars);
        const state = s.outcome === 'done' ? 200 : s.failure?.code === 'client_closed' ? 499 : 502;
        draft.usage = usage;
        draft.costUsd = costOf(ctx, servedKey, s.usage ?? asUsage(usage));
        if (s.failure) draft.errorCode = s.failure.code;
        if (pieces) draft.keepResponseBody(pieces.join(''));
        await admission.settle(s.usage ?? asUsage(usage), servedKey);
        if (s.outcome === 'done' && whole && pieces && cache.write) {
          await save(cache, ctx.store, { kind: 'stream', text: null, pieces, provider: answer.served.provider, model: answer.served.model, usage: s.usage }, found.generations, info.startedAt, timeoutMs);
        }
        await writeRecord(ctx, draft.finish(state, ctx.clock.now()));
      }),
    );
    const body$ = relay(answer, protocol.streamEncoder(answerCtx), done);
    return streamResponse(pieces ? keepCopy(body$, pieces, cache.maxBytes * 8, passed) : body$, { status: 200, headers: merged(SSE_HEADERS, headers) });
  } catch (error) {
    signal.dispose();
    ctx.waitUntil(admission.settle(null, null));
    throw error;
  }
}

/** USD at the Plan's price of the model that answered; null when it has no price. */
function costOf(ctx: HandlerContext, served: string, usage: Usage): number | null {
  const price = ctx.plan.prices[served];
  return price ? costMicroUsd(price, usage) / 1_000_000 : null;
}

/** Writes a finished record; a failing sink is reported without the record's content. */
export async function writeRecord(ctx: HandlerContext, r: RequestRecord): Promise<void> {
  try {
    await ctx.log.write(r);
  } catch {
    console.error('sluice: a request record could not be written');
  }
}

/** The answer a cached entry holds, replayed piece by piece for a stream. */
function cachedResponse(hit: CachedAnswer, headers: Readonly<Record<string, string>>): Response {
  const h = merged(headers, { [SLUICE_HEADERS.provider]: hit.provider, [SLUICE_HEADERS.model]: headerValue(hit.model) });
  if (hit.kind === 'json') return jsonResponse(hit.text ?? '', 200, h);
  return streamResponse(arraySource(hit.pieces ?? []), { status: 200, headers: merged(SSE_HEADERS, h) });
}

/** A 429 or 503 from the limits, in the client's protocol, with Retry-After and rate-limit headers. */
export function refusalResponse(refusal: Refusal, headers: Readonly<Record<string, string>>, protocol: ClientProtocol): Response {
  const h: Record<string, string> = { ...headers };
  if (refusal.retryAfterS !== null) h['retry-after'] = String(refusal.retryAfterS);
  return errorResponse(refusal.code, refusal.message, null, h, protocol.errorBody);
}

/** Headers of the client APIs that a native call passes on. */
const API_HEADERS = ['anthropic-version', 'anthropic-beta', 'openai-beta'];

function apiHeadersOf(request: GatewayRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of API_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}

/**
 * The canonical chat request for the client's body. When the body uses what the canonical
 * request cannot express (Anthropic's `thinking` or server tools, a Responses
 * `previous_response_id`…) and every target of the route speaks the client's API itself, the
 * body goes to them untranslated (`nativeOnly`) and the provider judges it; otherwise the
 * refusal stands.
 */
function canonicalBody(ctx: HandlerContext, route: PlanRoute, endpoint: PlanRoute['type'], protocol: ClientProtocol, clientBody: JsonObject): { body: JsonObject; nativeOnly: boolean } {
  if (endpoint !== 'chat') return { body: clientBody, nativeOnly: false };
  try {
    return { body: protocol.toChat(clientBody), nativeOnly: false };
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== 'invalid_request' || !speaksNatively(ctx, route, protocol.api)) throw error;
    return { body: clientBody, nativeOnly: true };
  }
}

/** Whether every target of `route` is served by a provider that speaks `api` natively. */
function speaksNatively(ctx: HandlerContext, route: PlanRoute, api: ClientProtocol['api']): boolean {
  if (api === 'chat' || route.targets.length === 0) return false;
  return route.targets.every((t) => {
    const provider = ctx.plan.providers[t.slice(0, t.indexOf('/'))];
    return provider !== undefined && adapterFor(provider)?.apis?.[api] !== undefined;
  });
}

function validateBody(body: JsonObject, endpoint: PlanRoute['type']): void {
  if (endpoint === 'chat' && !Array.isArray(body.messages)) {
    throw new GatewayError('invalid_request', 'The request needs "messages": a list of chat messages.', 'messages');
  }
  if (endpoint === 'embeddings' && body.input === undefined) {
    throw new GatewayError('invalid_request', 'The request needs "input": a string or a list of strings.', 'input');
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    throw new GatewayError('invalid_request', '"stream" must be true or false.', 'stream');
  }
}

function routeHeaders(route: PlanRoute, call: Call, answer: Answer | null): Record<string, string> {
  const h: Record<string, string> = { [SLUICE_HEADERS.route]: route.name, [SLUICE_HEADERS.attempts]: String(call.attempts.length) };
  if (answer) {
    h[SLUICE_HEADERS.provider] = answer.served.provider;
    h[SLUICE_HEADERS.model] = headerValue(answer.served.model);
  }
  return h;
}

function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}
