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
import { recordUsage } from '../usage.ts';

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
  const outcome = await run(call, route.strategy, route.name);
  const headers = routeHeaders(route, call, outcome.ok ? outcome.answer : null);
  if (!outcome.ok) {
    signal.dispose();
    const response = failureResponse(outcome.failure, call.attempts, protocol);
    finish(ctx, record(call, info, consumer, response.status, outcome.failure, null, null));
    return withHeaders(response, headers);
  }
  const answer = outcome.answer;
  if (answer.kind === 'json') {
    signal.dispose();
    finish(ctx, record(call, info, consumer, 200, null, recordUsage(answer.usage, body, 0), null));
    const text = answer.native || protocol.api === 'chat' ? answer.text : JSON.stringify(protocol.fromChat(answer.value, answerCtx));
    return jsonResponse(text, 200, headers);
  }
  const ttfb = ctx.clock.now() - info.startedAt;
  let done!: (summary: StreamSummary) => void;
  const ended = new Promise<StreamSummary>((resolve) => (done = resolve));
  ctx.waitUntil(
    ended.then((s) => {
      signal.dispose();
      const status = s.outcome === 'done' ? 200 : s.failure?.code === 'client_closed' ? 499 : 502;
      return writeRecord(ctx, record(call, info, consumer, status, s.failure, recordUsage(s.usage, body, s.outputChars), ttfb));
    }),
  );
  return streamResponse(relay(answer, protocol.streamEncoder(answerCtx), done), { status: 200, headers: { ...SSE_HEADERS, ...headers } });
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

function record(call: Call, info: RequestInfo, consumer: PlanConsumer | null, status: number, f: Failure | null, usage: RequestRecord['usage'], ttfbMs: number | null): RequestRecord {
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
    errorCode: f ? clientCode(f) : null,
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
