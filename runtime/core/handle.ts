/** The request pipeline entry: a function of the Plan and its dependencies over Fetch-API `Request`/`Response`. */
import type { HandlerContext } from './context.ts';
import { errorResponse, isGatewayError, toErrorResponse } from './errors.ts';
import { healthz } from './routes/healthz.ts';
import { listModels } from './routes/models.ts';

export type { HandlerContext } from './context.ts';

/** A route handler; routes grow here as the pipeline does. */
type Route = (request: Request, ctx: HandlerContext) => Response | Promise<Response>;

/** Exact `METHOD path` routes. Everything else under `/v1/` is not implemented yet; the rest is not found. */
const ROUTES: Readonly<Record<string, Route>> = {
  'GET /healthz': healthz,
  'GET /v1/models': listModels,
};

/** Longest request path quoted back in an error message. */
const MAX_QUOTED_PATH = 200;

/** Serves one request. Never throws: every failure becomes an OpenAI-shape error response. */
export async function handle(request: Request, ctx: HandlerContext): Promise<Response> {
  const path = new URL(request.url).pathname;
  const route = ROUTES[`${request.method} ${path}`];
  try {
    if (route) return await route(request, ctx);
    return unrouted(request.method, path);
  } catch (error) {
    if (!isGatewayError(error)) console.error('sluice: unhandled error', error);
    return toErrorResponse(error);
  }
}

function unrouted(method: string, path: string): Response {
  const quoted = path.length > MAX_QUOTED_PATH ? `${path.slice(0, MAX_QUOTED_PATH)}…` : path;
  if (path === '/v1' || path.startsWith('/v1/')) {
    return errorResponse('not_implemented', `${method} ${quoted} is not implemented by this gateway yet.`);
  }
  return errorResponse('not_found', `No route for ${method} ${quoted}.`);
}
