/**
 * `GET /v1/models`: the model aliases this caller may send, in OpenAI's list shape.
 * @module
 */
import type { HandlerContext } from '../context.ts';
import { identify } from '../identify.ts';
import type { GatewayRequest } from '../request.ts';
import { jsonResponse } from '../respond.ts';

/** One entry of the OpenAI model list. */
export interface ModelEntry {
  readonly id: string;
  readonly object: 'model';
  /** Unix seconds; the Plan carries no dates, so 0 (clients only display it). */
  readonly created: number;
  readonly owned_by: string;
}

/** Body of `GET /v1/models`. */
export interface ModelList {
  readonly object: 'list';
  readonly data: readonly ModelEntry[];
}

/** Answers `GET /v1/models` with the aliases of the routes the caller may use, sorted by id. */
export async function listModels(request: GatewayRequest, ctx: HandlerContext): Promise<Response> {
  const consumer = await identify(request, ctx);
  const owner = ctx.plan.gateway.name;
  const data = Object.entries(ctx.plan.aliases)
    .filter(([, route]) => consumer === null || consumer.routes.includes(route))
    .map(([id]) => id)
    .sort()
    .map((id): ModelEntry => ({ id, object: 'model', created: 0, owned_by: owner }));
  const body: ModelList = { object: 'list', data };
  return jsonResponse(body);
}
