/**
 * The request pipeline's entry: a function of the Plan and its injected dependencies over
 * Fetch-API `Request` / `Response`. Every answer carries `x-sluice-request-id` and
 * `x-sluice-cache`; every failure is an OpenAI-shape error with a stable code, never a
 * stack trace.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { HandlerContext } from './context.ts';
import { errorResponse, GatewayError, isGatewayError, toErrorResponse } from './errors.ts';
import { SLUICE_HEADERS } from './headers.ts';
import { chatProtocol } from '../apis/chat.ts';
import { CLIENT_PROTOCOLS } from '../apis/index.ts';
import { completions, writeRecord, type RequestInfo } from './routes/completions.ts';
import { RecordDraft } from '../log/draft.ts';
import type { RecordEndpoint } from '../log/types.ts';
import { CLIENT_HEADERS } from './headers.ts';
import { healthz } from './routes/healthz.ts';
import { listModels } from './routes/models.ts';
import { native } from './routes/native.ts';
import type { GatewayRequest } from './request.ts';

export type { GatewayRequest } from './request.ts';

export type { HandlerContext } from './context.ts';

type Route = (request: GatewayRequest, ctx: HandlerContext, info: RequestInfo) => Response | Promise<Response>;

/** Exact paths, each with the methods it answers. */
const ROUTES: Readonly<Record<string, Readonly<Record<string, Route>>>> = {
  '/healthz': { GET: healthz },
  '/v1/models': { GET: listModels },
  '/v1/embeddings': { POST: (r, c, i) => completions(r, c, i, 'embeddings', chatProtocol) },
  ...Object.fromEntries(CLIENT_PROTOCOLS.map((p) => [p.path, { POST: (r: GatewayRequest, c: HandlerContext, i: RequestInfo) => completions(r, c, i, 'chat', p) }])),
};

/** The client protocol of each path, for errors in that protocol's shape. */
const PROTOCOL_BY_PATH = new Map(CLIENT_PROTOCOLS.map((p) => [p.path, p]));

/** Longest request path quoted back in an error message. */
const MAX_QUOTED_PATH = 200;

/** The record endpoint of each exact path. */
const ENDPOINTS: Readonly<Record<string, RecordEndpoint>> = {
  '/healthz': 'health',
  '/v1/models': 'models',
  '/v1/embeddings': 'embeddings',
  '/v1/chat/completions': 'chat',
  '/v1/messages': 'messages',
  '/v1/responses': 'responses',
};

function endpointOf(path: string): RecordEndpoint {
  return ENDPOINTS[path] ?? (path.startsWith('/native/') ? 'native' : 'other');
}

/**
 * Serves one request. Never throws: every failure becomes an OpenAI-shape error response.
 * Every request gets one record, written after the response (a stream's when it ends).
 */
export async function handle(request: GatewayRequest, ctx: HandlerContext): Promise<Response> {
  const startedAt = ctx.clock.now();
  const url = urlOf(request.url);
  const path = url?.pathname ?? '/';
  const record = new RecordDraft(ctx.plan, ctx.requestId ?? randomUUID(), startedAt, endpointOf(path), request.method.slice(0, 10), path, ctx.clientIp);
  const country = request.headers.get(CLIENT_HEADERS.country);
  if (country !== null && /^[A-Z]{2}$/.test(country)) record.country = country;
  const info: RequestInfo = { id: record.requestId, startedAt, record };
  let response: Response;
  try {
    response = await dispatch(request, ctx, info, url);
  } catch (error) {
    if (!isGatewayError(error)) console.error('sluice: unhandled error', error instanceof Error ? error.name : typeof error);
    const protocol = PROTOCOL_BY_PATH.get(path) ?? chatProtocol;
    record.errorCode = isGatewayError(error) ? error.code : 'internal_error';
    record.deferred = false;
    response = toErrorResponse(error, protocol.errorBody);
  }
  response.headers.set(SLUICE_HEADERS.requestId, info.id);
  // Answers that never reached the cache (refusals, bad requests, health, models) say so too.
  if (!response.headers.has(SLUICE_HEADERS.cache)) response.headers.set(SLUICE_HEADERS.cache, 'BYPASS');
  if (!record.deferred) finishRecord(ctx, record, response.status);
  return response;
}

/** Hands the finished record to the sink after the response; a record that cannot be built is reported, never thrown. */
function finishRecord(ctx: HandlerContext, record: RecordDraft, status: number): void {
  try {
    ctx.waitUntil(writeRecord(ctx, record.finish(status, ctx.clock.now())));
  } catch {
    console.error('sluice: a request record could not be built');
  }
}

function urlOf(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function dispatch(request: GatewayRequest, ctx: HandlerContext, info: RequestInfo, url: URL | null): Response | Promise<Response> {
  if (url === null) throw new GatewayError('invalid_request', 'The request URL is not valid.');
  const path = url.pathname;
  const methods = ROUTES[path];
  if (methods) {
    const route = methods[request.method];
    if (route) return route(request, ctx, info);
    info.record.errorCode = 'method_not_allowed';
    return errorResponse('method_not_allowed', `${path} answers ${Object.keys(methods).join(', ')}, not ${request.method.slice(0, 10)}.`, null, { allow: Object.keys(methods).join(', ') });
  }
  const nativeMatch = /^\/native\/([a-z][a-z0-9-]{0,62})\/(.*)$/.exec(path);
  if (nativeMatch) return native(request, ctx, info, nativeMatch[1]!, nativeMatch[2]!, url.search);
  info.record.errorCode = 'not_found';
  const quoted = path.length > MAX_QUOTED_PATH ? `${path.slice(0, MAX_QUOTED_PATH)}…` : path;
  return errorResponse('not_found', `No route for ${request.method.slice(0, 10)} ${quoted}.`);
}
