/**
 * `POST /v1/chat/completions`, `/v1/messages`, `/v1/responses` and `/v1/embeddings`: identify
 * the caller, match the route, run its strategy, and answer in the client's protocol with
 * JSON or a relayed stream. The request record is
 * written after the response, inside the same invocation.
 * @module
 */
import type { AnswerContext, ClientProtocol } from '../../apis/types.ts';
import type { RequestRecord } from '../../log/types.ts';
import type { JsonObject } from '../../openai/types.ts';
import type { PlanConsumer, PlanRoute } from '../../plan.ts';
import type { Answer } from '../../routing/answer.ts';
import { requestSignal, type Call } from '../../routing/call.ts';
import { run } from '../../routing/execute.ts';
import type { Failure } from '../../routing/failure.ts';
import { clientCode, failureResponse } from '../../routing/failure-response.ts';
import { relay, type StreamSummary } from '../../stream/relay.ts';
import { readJsonBody } from '../body.ts';
import type { HandlerContext } from '../context.ts';
import { GatewayError } from '../errors.ts';
import { requestFacts } from '../facts.ts';
import { CLIENT_HEADERS, SLUICE_HEADERS } from '../headers.ts';
import { identify } from '../identify.ts';
import { matchRoute } from '../match.ts';
import { jsonResponse } from '../respond.ts';
import { streamResponse } from '../response.ts';
import type { GatewayRequest } from '../request.ts';
import { recordUsage, type RecordedUsage } from '../usage.ts';
import type { Usage } from '../../openai/types.ts';
import { admit, type Refusal } from '../../policies/limits.ts';
import { cachePlan, lookup, save, type CachedAnswer, type CacheStatus } from '../../policies/cache.ts';
import { ERROR_CATALOG, errorResponse } from '../errors.ts';

/** Per-request facts the route handlers share with `handle`. */
export interface RequestInfo {
  readonly id: string;
  readonly startedAt: number;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/** Serves a chat completion or an embeddings request. */
export async function completions(request: GatewayRequest, ctx: HandlerContext, info: RequestInfo, endpoint: PlanRoute['type'], protocol: ClientProtocol): Promise<Response> {
  const consumer = await identify(request, ctx);
  const clientBody = await readJsonBody(request, ctx.plan.guardrails.maxRequestKb);
  const route = matchRoute(ctx.plan, clientBody.model, endpoint, consumer);
  const body = endpoint === 'chat' ? protocol.toChat(clientBody) : clientBody;
  validateBody(body, endpoint);
  const stream = endpoint === 'chat' && protocol.wantsStream(clientBody);
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
    facts: requestFacts(request),
    startedAt: info.startedAt,
    deadlineAt: info.startedAt + route.deadlineMs,
    signal: signal.signal,
    idempotencyKey: request.headers.get(CLIENT_HEADERS.idempotencyKey),
    apiHeaders: apiHeadersOf(request),
    attempts: [],
  };
  // One round of parallel store calls before the upstream call: every limit, and the cache.
  const cache = cachePlan(route, protocol.api, consumer, stream, clientBody, request.headers);
  const timeoutMs = ctx.plan.gateway.runtime.storeTimeoutMs;
  const [gate, found] = await Promise.all([
    admit({ plan: ctx.plan, route, consumer, clientIp: ctx.clientIp, headers: request.headers, body, now: info.startedAt }, ctx.store, ctx.limitMemory, ctx.random),
    lookup(cache, ctx.store, info.startedAt, timeoutMs),
  ]);
  if (!gate.ok) {
    signal.dispose();
    finish(ctx, record(call, info, consumer, ERROR_CATALOG[gate.refusal.code].status, null, null, null, 'BYPASS', gate.refusal.code));
    return refusalResponse(gate.refusal, { ...gate.headers, [SLUICE_HEADERS.route]: route.name }, protocol);
  }
  const status: CacheStatus = cache.status === 'bypass' ? 'BYPASS' : found.hit ? 'HIT' : 'MISS';
  const policyHeaders = { ...gate.admission.headers, [SLUICE_HEADERS.cache]: status };
  if (found.hit) {
    signal.dispose();
    ctx.waitUntil(gate.admission.settle(null, null));
    finish(ctx, record(call, info, consumer, 200, null, null, null, 'HIT', null));
    return cachedResponse(found.hit, { ...policyHeaders, [SLUICE_HEADERS.route]: route.name, [SLUICE_HEADERS.attempts]: '0' });
  }
  const outcome = await run(call, route.strategy, route.name);
  const headers = { ...routeHeaders(route, call, outcome.ok ? outcome.answer : null), ...policyHeaders };
  if (!outcome.ok) {
    signal.dispose();
    ctx.waitUntil(gate.admission.settle(null, null));
    const response = failureResponse(outcome.failure, call.attempts, protocol);
    finish(ctx, record(call, info, consumer, response.status, outcome.failure, null, null, status, null));
    return withHeaders(response, headers);
  }
  const answer = outcome.answer;
  const servedKey = `${answer.served.provider}/${answer.served.model}`;
  if (answer.kind === 'json') {
    signal.dispose();
    const usage = recordUsage(answer.usage, body, 0);
    const text = answer.native || protocol.api === 'chat' ? answer.text : JSON.stringify(protocol.fromChat(answer.value, answerCtx));
    ctx.waitUntil(gate.admission.settle(answer.usage ?? asUsage(usage), servedKey));
    ctx.waitUntil(save(cache, ctx.store, { kind: 'json', text, pieces: null, provider: answer.served.provider, model: answer.served.model, usage: answer.usage }, found.generations, info.startedAt, timeoutMs));
    finish(ctx, record(call, info, consumer, 200, null, usage, null, status, null));
    return jsonResponse(text, 200, headers);
  }
  const ttfb = ctx.clock.now() - info.startedAt;
  const pieces: string[] | null = cache.write ? [] : null;
  let done!: (summary: StreamSummary) => void;
  const ended = new Promise<StreamSummary>((resolve) => (done = resolve));
  ctx.waitUntil(
    ended.then(async (s) => {
      signal.dispose();
      const usage = recordUsage(s.usage, body, s.outputChars);
      const state = s.outcome === 'done' ? 200 : s.failure?.code === 'client_closed' ? 499 : 502;
      await gate.admission.settle(s.usage ?? asUsage(usage), servedKey);
      if (s.outcome === 'done' && pieces) await save(cache, ctx.store, { kind: 'stream', text: null, pieces, provider: answer.served.provider, model: answer.served.model, usage: s.usage }, found.generations, info.startedAt, timeoutMs);
      return writeRecord(ctx, record(call, info, consumer, state, s.failure, usage, ttfb, status, null));
    }),
  );
  const body$ = relay(answer, protocol.streamEncoder(answerCtx), done);
  return streamResponse(pieces ? collect(body$, pieces, cache.maxBytes * 8) : body$, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
}

/** Usage in OpenAI's shape from a recorded (possibly estimated) usage. */
function asUsage(u: RecordedUsage): Usage {
  return { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens };
}

/** Passes pieces through while keeping a copy for the cache (keep-alives left out; gives up past `max` characters). */
async function* collect(source: AsyncGenerator<string, void, undefined>, into: string[], max: number): AsyncGenerator<string, void, undefined> {
  let size = 0;
  try {
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      if (!next.value.startsWith(':')) {
        size += next.value.length;
        if (size <= max) into.push(next.value);
        else into.length = 0;
      }
      yield next.value;
    }
  } finally {
    await source.return(undefined);
  }
}

/** The answer a cached entry holds, replayed piece by piece for a stream. */
function cachedResponse(hit: CachedAnswer, headers: Readonly<Record<string, string>>): Response {
  const h = { ...headers, [SLUICE_HEADERS.provider]: hit.provider, [SLUICE_HEADERS.model]: hit.model };
  if (hit.kind === 'json') return jsonResponse(hit.text ?? '', 200, h);
  async function* replay(): AsyncGenerator<string, void, undefined> {
    for (const piece of hit.pieces ?? []) yield piece;
  }
  return streamResponse(replay(), { status: 200, headers: { ...SSE_HEADERS, ...h } });
}

/** A 429 or 503 from the limits, in the client's protocol, with Retry-After and rate-limit headers. */
function refusalResponse(refusal: Refusal, headers: Readonly<Record<string, string>>, protocol: ClientProtocol): Response {
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
    h[SLUICE_HEADERS.model] = answer.served.model;
  }
  return h;
}

function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

function record(
  call: Call,
  info: RequestInfo,
  consumer: PlanConsumer | null,
  status: number,
  f: Failure | null,
  usage: RequestRecord['usage'],
  ttfbMs: number | null,
  cache: CacheStatus,
  refusedBy: string | null,
): RequestRecord {
  const now = call.ctx.clock.now();
  return {
    version: 1,
    time: new Date(info.startedAt).toISOString(),
    requestId: info.id,
    planHash: call.ctx.plan.hash,
    endpoint: call.endpoint,
    route: call.route.name,
    consumer: consumer?.name ?? null,
    requestedModel: typeof call.clientBody.model === 'string' ? call.clientBody.model : null,
    stream: call.stream,
    attempts: call.attempts,
    status,
    errorCode: f ? clientCode(f) : refusedBy,
    cache,
    usage,
    latencyMs: now - info.startedAt,
    ttfbMs: ttfbMs ?? (status === 200 ? now - info.startedAt : null),
  };
}

function finish(ctx: HandlerContext, r: RequestRecord): void {
  ctx.waitUntil(writeRecord(ctx, r));
}

async function writeRecord(ctx: HandlerContext, r: RequestRecord): Promise<void> {
  try {
    await ctx.log.write(r);
  } catch {
    console.error('sluice: a request record could not be written');
  }
}
