/** `GET /v1/models`: the model aliases a client may send, in OpenAI's list shape. */
import type { HandlerContext } from '../context.ts';
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

/** Answers `GET /v1/models` with every alias of the Plan, sorted by id. */
export function listModels(_request: Request, ctx: HandlerContext): Response {
  const owner = ctx.plan.gateway.name;
  const data = Object.keys(ctx.plan.aliases)
    .sort()
    .map((id): ModelEntry => ({ id, object: 'model', created: 0, owned_by: owner }));
  const body: ModelList = { object: 'list', data };
  return jsonResponse(body);
}
