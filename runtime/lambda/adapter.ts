/**
 * Lambda adapter: API Gateway REST proxy event → origin check → `handle` → streamed
 * response, then the request's post-response work (records, counters) before returning,
 * because Lambda freezes the environment once the handler settles.
 * @module
 */
import type { APIGatewayProxyEvent, Context, StreamifyHandler } from 'aws-lambda';
import type { Writable } from 'node:stream';
import type { HandlerContext, RequestScope, RuntimeDeps } from '../core/context.ts';
import { errorResponse, isGatewayError, toErrorResponse } from '../core/errors.ts';
import { handle } from '../core/handle.ts';
import { SLUICE_HEADERS } from '../core/headers.ts';
import { ORIGIN_VERIFY_HEADER } from './config.ts';
import { eventHeaders, toRequest, viewerIp } from './event.ts';
import { originVerified } from './origin-verify.ts';
import type { SecretCache } from './secret-cache.ts';
import { writeResponse } from './response-stream.ts';
import { merged } from '../merged.ts';

/** A wrong origin-verify value triggers a refetch of the secret at most this often (rotation pick-up). */
const ORIGIN_SECRET_REFRESH_MS = 60_000;

/** Dependencies of the Lambda adapter, built once at cold start. */
export interface LambdaDeps {
  readonly runtime: RuntimeDeps;
  readonly secretCache: SecretCache;
  /** ARN of the origin-verify secret; undefined means misconfigured, and every request is refused. */
  readonly originVerifySecretId: string | undefined;
}

/** The streaming handler body (wrap it with `awslambda.streamifyResponse`). */
export function createStreamingHandler(deps: LambdaDeps): StreamifyHandler<APIGatewayProxyEvent, void> {
  return async (event, responseStream: Writable, context: Context) => {
    const pending: Promise<unknown>[] = [];
    let headers: Headers | null = null;
    try {
      headers = eventHeaders(event);
    } catch {
      // answered as a malformed request below
    }
    const sourceIp = event?.requestContext?.identity?.sourceIp ?? null;
    const scope: RequestScope = {
      waitUntil: (work) => void pending.push(work),
      clientIp: headers ? viewerIp(headers, sourceIp) : sourceIp,
      requestId: event?.requestContext?.requestId ?? context.awsRequestId ?? null,
    };
    const ctx: HandlerContext = merged(deps.runtime, scope);
    // The client is gone when the response stream closes or fails before the answer ended:
    // the upstream call, a backoff or a stream relay stops then, not at the next write.
    const gone = new AbortController();
    const leave = (): void => {
      if (!responseStream.writableFinished) gone.abort();
    };
    responseStream.once('close', leave);
    responseStream.once('error', leave);
    // Records are shipped once the answer has reached the client, never while it is written.
    deps.runtime.log.hold?.();
    const response = await respond(event, headers, deps, ctx, gone.signal);
    if (!response.headers.has(SLUICE_HEADERS.cache)) response.headers.set(SLUICE_HEADERS.cache, 'BYPASS');
    try {
      await writeResponse(responseStream, response);
    } catch {
      // The client left mid-answer: what was written stays written; the work below still runs.
      gone.abort();
      await response.body?.cancel().catch(() => undefined);
    }
    responseStream.off('close', leave);
    responseStream.off('error', leave);
    deps.runtime.log.release?.();
    await Promise.allSettled(pending);
  };
}

async function respond(event: APIGatewayProxyEvent, read: Headers | null, deps: LambdaDeps, ctx: HandlerContext, signal: AbortSignal): Promise<Response> {
  try {
    const headers = read ?? eventHeaders(event);
    const presented = headers.get(ORIGIN_VERIFY_HEADER);
    // The secret never travels further than this check.
    headers.delete(ORIGIN_VERIFY_HEADER);
    if (!(await originAllowed(presented, deps))) {
      return errorResponse('origin_forbidden', 'Call this gateway through its public endpoint.');
    }
    return await handle(toRequest(event, headers, signal), ctx);
  } catch (error) {
    if (!isGatewayError(error)) console.error('sluice: request failed before the pipeline');
    return toErrorResponse(error);
  }
}

/** Missing header: refused without a secret lookup. Wrong value: refetched once a minute in case the secret rotated. */
async function originAllowed(presented: string | null, deps: LambdaDeps): Promise<boolean> {
  const secretId = deps.originVerifySecretId;
  if (presented === null) return false;
  if (!secretId) {
    console.error('sluice: origin-verify secret ARN is not configured; refusing every request');
    return false;
  }
  if (originVerified(presented, await deps.secretCache.get(secretId))) return true;
  return originVerified(presented, await deps.secretCache.refresh(secretId, ORIGIN_SECRET_REFRESH_MS));
}
