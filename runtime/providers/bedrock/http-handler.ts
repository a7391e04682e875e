/** An AWS SDK request handler that sends the SDK's signed requests through the gateway's own HTTP client (pools, exact failure phases). */
import { Readable } from 'node:stream';
import type { UpstreamClient, UpstreamRequest } from '../../http/types.ts';

/** The part of the SDK's `HttpRequest` the handler reads. */
export type SdkHttpRequest = {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[] | null>>;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
};

/** The part of the SDK's `HttpResponse` the handler fills in. */
export type SdkHttpResponse = {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Readable;
};

/** A request handler the SDK accepts as `requestHandler` (duck-typed: it only calls these). */
export type SdkRequestHandler = {
  handle(request: SdkHttpRequest, options?: { readonly abortSignal?: unknown }): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
};

const METHODS = new Set<UpstreamRequest['method']>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function urlOf(request: SdkHttpRequest): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value === null) search.append(key, '');
    else for (const v of typeof value === 'string' ? [value] : value) search.append(key, v);
  }
  const query = search.size > 0 ? `?${search.toString()}` : '';
  return `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}${query}`;
}

function bodyOf(body: unknown): string | Uint8Array | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError('the Bedrock handler sends only string and byte bodies');
}

/**
 * A handler over `client`. Each call's AbortSignal is added to `reached` before anything is
 * sent, so the caller can tell "never got to the network" from "may have been sent".
 */
export function upstreamHandler(client: UpstreamClient, reached: WeakSet<object>): SdkRequestHandler {
  return {
    async handle(request, options) {
      const signal = options?.abortSignal instanceof AbortSignal ? options.abortSignal : undefined;
      if (signal) reached.add(signal);
      const method = request.method.toUpperCase() as UpstreamRequest['method'];
      if (!METHODS.has(method)) throw new TypeError(`the Bedrock handler does not send ${request.method}`);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const res = await client.send({ url: urlOf(request), method, headers, body: bodyOf(request.body), ...(signal ? { signal } : {}) });
      const body = Readable.from(res.body, { objectMode: false });
      // Errors reach whoever reads the body; an unread body must not crash the process.
      body.on('error', () => {});
      return { response: { statusCode: res.status, headers: { ...res.headers }, body } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    // The UpstreamClient is shared by every Bedrock client in the process: not closed here.
    destroy() {},
  };
}
