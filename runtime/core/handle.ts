/**
 * The request pipeline's entry: a function of the Plan and its injected dependencies over
 * Fetch-API `Request` / `Response`. Every answer carries `x-sluice-request-id`; every
 * failure is an OpenAI-shape error with a stable code, never a stack trace.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { HandlerContext } from './context.ts';
import { errorResponse, isGatewayError, toErrorResponse } from './errors.ts';
import { SLUICE_HEADERS } from './headers.ts';
import { chatProtocol } from '../apis/chat.ts';
import { CLIENT_PROTOCOLS } from '../apis/index.ts';
import { completions, type RequestInfo } from './routes/completions.ts';
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

/** Serves one request. Never throws: every failure becomes an OpenAI-shape error response. */
export async function handle(request: GatewayRequest, ctx: HandlerContext): Promise<Response> {
  const info: RequestInfo = { id: ctx.requestId ?? randomUUID(), startedAt: ctx.clock.now() };
  let response: Response;
  try {
    response = await dispatch(request, ctx, info);
  } catch (error) {
    if (!isGatewayError(error)) console.error('sluice: unhandled error', error instanceof Error ? error.name : typeof error);
    const protocol = PROTOCOL_BY_PATH.get(pathOf(request.url)) ?? chatProtocol;
    response = toErrorResponse(error, protocol.errorBody);
  }
  response.headers.set(SLUICE_HEADERS.requestId, info.id);
  return response;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '/';
  }
}

function dispatch(request: GatewayRequest, ctx: HandlerContext, info: RequestInfo): Response | Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  const methods = ROUTES[path];
  if (methods) {
    const route = methods[request.method];
    if (route) return route(request, ctx, info);
    return errorResponse('method_not_allowed', `${path} answers ${Object.keys(methods).join(', ')}, not ${request.method.slice(0, 10)}.`, null, { allow: Object.keys(methods).join(', ') });
  }
  const nativeMatch = /^\/native\/([a-z][a-z0-9-]{0,62})\/(.*)$/.exec(path);
  if (nativeMatch) return native(request, ctx, nativeMatch[1]!, nativeMatch[2]!, url.search);
  const quoted = path.length > MAX_QUOTED_PATH ? `${path.slice(0, MAX_QUOTED_PATH)}…` : path;
  return errorResponse('not_found', `No route for ${request.method.slice(0, 10)} ${quoted}.`);
}
