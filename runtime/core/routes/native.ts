/**
 * `/native/<provider>/<path>`: a provider's own API passed through with the gateway's key
 * for it, for callers allowed to reach that provider through one of their routes. The body
 * goes through unchanged and the answer streams back as it arrives. No retries: the
 * gateway does not know what the call means.
 * @module
 */
import { UpstreamError } from '../../http/types.ts';
import type { PlanConsumer, PlanProvider } from '../../plan.ts';
import { apiKeyOf } from '../../providers/credentials.ts';
import { adapterFor } from '../../providers/registry.ts';
import { requestSignal } from '../../routing/call.ts';
import { transportFailure } from '../../routing/attempt.ts';
import { clientCode, failureResponse } from '../../routing/failure-response.ts';
import type { HandlerContext } from '../context.ts';
import { GatewayError } from '../errors.ts';
import { NO_CLIENT_RETRY, SLUICE_HEADERS } from '../headers.ts';
import { identify } from '../identify.ts';
import type { GatewayRequest } from '../request.ts';
import type { RequestInfo } from './completions.ts';

/** Time a native call may take in all. */
const NATIVE_DEADLINE_MS = 600_000;
/** Request headers passed on to the provider. */
const PASSED = ['content-type', 'accept', 'anthropic-version', 'anthropic-beta', 'openai-beta'];
/** Response headers passed back to the client. */
const RETURNED = ['content-type', 'cache-control', 'retry-after'];

function allowed(ctx: HandlerContext, consumer: PlanConsumer | null, provider: string): boolean {
  const routes = consumer === null ? Object.keys(ctx.plan.routes) : consumer.routes;
  return routes.some((r) => ctx.plan.routes[r]?.targets.some((t) => t.startsWith(`${provider}/`)));
}

/** Serves a native pass-through call. */
export async function native(request: GatewayRequest, ctx: HandlerContext, info: RequestInfo, providerName: string, path: string, search: string): Promise<Response> {
  const consumer = await identify(request, ctx);
  info.record.consumer = consumer;
  const provider: PlanProvider | undefined = ctx.plan.providers[providerName];
  const adapter = provider ? adapterFor(provider) : null;
  if (!provider || !adapter?.native) throw new GatewayError('not_found', `There is no native API for "${providerName.slice(0, 64)}" on this gateway.`);
  if (!allowed(ctx, consumer, provider.name)) throw new GatewayError('provider_forbidden', `Your key may not call provider ${provider.name} directly.`);
  info.record.provider = provider.name;
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
  const signal = requestSignal(request.signal, NATIVE_DEADLINE_MS);
  const transport = adapter.transport(provider as never) ?? ctx.upstream;
  try {
    const res = await transport.send({ url: adapter.native.url(provider as never, path, search), method: request.method as 'GET', headers, body, signal: signal.signal });
    const out: Record<string, string> = { [SLUICE_HEADERS.provider]: provider.name };
    for (const name of RETURNED) if (res.headers[name] !== undefined) out[name] = res.headers[name]!;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          for await (const chunk of res.body) controller.enqueue(chunk);
        } catch (err) {
          if (!(err instanceof UpstreamError)) console.error('sluice: native pass-through failed');
        } finally {
          signal.dispose();
          controller.close();
        }
      },
      cancel() {
        res.cancel();
        signal.dispose();
      },
    });
    return new Response(stream, { status: res.status, headers: out });
  } catch (err) {
    signal.dispose();
    const f = transportFailure(err, null);
    info.record.errorCode = clientCode(f);
    const response = failureResponse(f, []);
    for (const [k, v] of Object.entries(NO_CLIENT_RETRY)) response.headers.set(k, v);
    return response;
  }
}
