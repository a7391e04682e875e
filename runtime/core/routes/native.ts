/**
 * `/native/<provider>/<path>`: a provider's own API passed through with the gateway's key
 * for it, for callers allowed to reach that provider through one of their routes. The call
 * counts under the policies of the first such route (its limits, budgets and concurrency
 * caps, and its deadline); as the gateway cannot read the answer's usage, token and budget
 * reservations are kept as charged. The body goes through unchanged and the answer streams
 * back as it arrives; an answer the provider breaks off is broken off for the client too.
 * No retries or fallbacks: the gateway does not know what the call means.
 * @module
 */
import { UpstreamError } from '../../http/types.ts';
import type { PlanConsumer, PlanProvider, PlanRoute } from '../../plan.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import { admit } from '../../policies/limits.ts';
import { chatProtocol } from '../../apis/chat.ts';
import { apiKeyOf } from '../../providers/credentials.ts';
import { adapterFor } from '../../providers/registry.ts';
import { requestSignal } from '../../routing/call.ts';
import { transportFailure } from '../../routing/attempt.ts';
import { clientCode, failureResponse } from '../../routing/failure-response.ts';
import type { HandlerContext } from '../context.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../body.ts';
import { GatewayError } from '../errors.ts';
import { NO_CLIENT_RETRY, SLUICE_HEADERS } from '../headers.ts';
import { identify } from '../identify.ts';
import type { GatewayRequest } from '../request.ts';
import { refusalResponse, type RequestInfo } from './completions.ts';
import { merged } from '../../merged.ts';

/** Request headers passed on to the provider. */
const PASSED = ['content-type', 'accept', 'anthropic-version', 'anthropic-beta', 'openai-beta'];
/** Response headers passed back to the client. */
const RETURNED = ['content-type', 'cache-control', 'retry-after'];

/** The route whose policies a native call to `provider` counts under: the caller's first that reaches it. */
function routeFor(ctx: HandlerContext, consumer: PlanConsumer | null, provider: string): PlanRoute | null {
  const names = consumer === null ? Object.keys(ctx.plan.routes) : consumer.routes;
  for (const name of [...names].sort()) {
    const route = ctx.plan.routes[name];
    if (route?.targets.some((t) => t.startsWith(`${provider}/`))) return route;
  }
  return null;
}

/** The body as JSON for the limits' estimates; {} when it is not a JSON object (or nests too deep to measure). */
function estimateBody(body: Uint8Array | null): JsonObject {
  if (!body || body.byteLength === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return isObject(parsed) && !nestedDeeperThan(parsed, MAX_JSON_DEPTH) ? parsed : {};
  } catch {
    return {};
  }
}

/** Serves a native pass-through call. */
export async function native(request: GatewayRequest, ctx: HandlerContext, info: RequestInfo, providerName: string, path: string, search: string): Promise<Response> {
  const consumer = await identify(request, ctx);
  info.record.consumer = consumer;
  const provider: PlanProvider | undefined = ctx.plan.providers[providerName];
  const adapter = provider ? adapterFor(provider) : null;
  if (!provider || !adapter?.native) throw new GatewayError('not_found', `There is no native API for "${providerName.slice(0, 64)}" on this gateway.`);
  const route = routeFor(ctx, consumer, provider.name);
  if (!route) throw new GatewayError('provider_forbidden', `Your key may not call provider ${provider.name} directly.`);
  info.record.provider = provider.name;
  info.record.route = route.name;
  const key = await apiKeyOf(provider, ctx);
  if (key !== null && typeof key !== 'string') {
    info.record.errorCode = clientCode(key);
    return failureResponse(key, []);
  }
  // The adapter's headers are defaults; the client's own API headers (version, beta) win.
  // No header that carries a credential is ever taken from the client.
  const headers: Record<string, string> = adapter.native.headers(provider as never, key);
  for (const name of PASSED) {
    const v = request.headers.get(name);
    if (v !== null) headers[name] = v;
  }
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : new Uint8Array(await request.arrayBuffer());
  const gate = await admit(
    { plan: ctx.plan, route, consumer, clientIp: ctx.clientIp, headers: request.headers, body: estimateBody(body), now: info.startedAt },
    ctx.store,
    ctx.limitMemory,
    ctx.random,
  );
  info.record.limits = gate.decisions;
  if (!gate.ok) {
    info.record.errorCode = gate.refusal.code;
    return refusalResponse(gate.refusal, merged(gate.headers, { [SLUICE_HEADERS.route]: route.name }), chatProtocol);
  }
  let settled = false;
  const settle = (used: 'reserved' | null): void => {
    if (settled) return;
    settled = true;
    ctx.waitUntil(gate.admission.settle(used, null));
  };
  const signal = requestSignal(request.signal, route.deadlineMs);
  const transport = adapter.transport(provider as never) ?? ctx.upstream;
  try {
    const res = await transport.send({ url: adapter.native.url(provider as never, path, search), method: request.method as 'GET', headers, body, signal: signal.signal });
    const out: Record<string, string> = merged(gate.admission.headers, { [SLUICE_HEADERS.provider]: provider.name, [SLUICE_HEADERS.route]: route.name });
    for (const name of RETURNED) if (res.headers[name] !== undefined) out[name] = res.headers[name]!;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        let failed = false;
        try {
          for await (const chunk of res.body) controller.enqueue(chunk);
        } catch (err) {
          failed = true;
          if (!(err instanceof UpstreamError)) console.error('sluice: native pass-through failed');
        } finally {
          signal.dispose();
          settle('reserved');
          // A body the provider broke off must not look complete to the client.
          if (failed) controller.error(new Error('the provider broke off its answer'));
          else controller.close();
        }
      },
      cancel() {
        res.cancel();
        signal.dispose();
        settle('reserved');
      },
    });
    return new Response(stream, { status: res.status, headers: out });
  } catch (err) {
    signal.dispose();
    settle(null);
    const f = transportFailure(err, null);
    info.record.errorCode = clientCode(f);
    const response = failureResponse(f, []);
    for (const [k, v] of Object.entries(NO_CLIENT_RETRY)) response.headers.set(k, v);
    return response;
  }
}
