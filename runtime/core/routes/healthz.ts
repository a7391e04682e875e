/** `GET /healthz`: liveness plus which Plan is serving. */
import type { HandlerContext } from '../context.ts';
import type { GatewayRequest } from '../request.ts';
import { jsonResponse } from '../respond.ts';

/** Body of a health answer. */
export interface HealthBody {
  readonly status: 'ok';
  readonly gateway: string;
  readonly stage: string;
  /** The Plan hash (`sha256:…`), so an operator sees which policy is live. */
  readonly plan: string;
}

/** Answers `GET /healthz`. */
export function healthz(_request: GatewayRequest, ctx: HandlerContext): Response {
  const { plan } = ctx;
  const body: HealthBody = {
    status: 'ok',
    gateway: plan.gateway.name,
    stage: plan.gateway.stage,
    plan: plan.hash,
  };
  return jsonResponse(body);
}
