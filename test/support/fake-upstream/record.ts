/** Turns an incoming HTTP request and its body text into a `RequestRecord`. */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { classify, type Route } from './routes.ts';
import { isRecord } from './shapes.ts';
import type { RequestRecord } from './types.ts';

let lastSeq = 0;

/** Wall-clock ms with sub-ms precision. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Header names are already lower case; repeated values are joined with `, `. */
function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** A new record, its route, and whether the body parsed as JSON (an empty body counts as parsed). */
export interface Received {
  readonly record: RequestRecord;
  readonly route: Route;
  readonly parsed: boolean;
}

/** Records a request to the fake named `upstream`; `seq` counts across every fake in the process. */
export function receive(upstream: string, req: IncomingMessage, text: string): Received {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const query = Object.fromEntries(url.searchParams);
  const route = classify(method, url.pathname, query);
  let body: unknown = text;
  let parsed = text.length === 0;
  try {
    if (text.length > 0) [body, parsed] = [JSON.parse(text) as unknown, true];
  } catch {
    parsed = false;
  }
  const record: RequestRecord = {
    upstream,
    seq: ++lastSeq,
    method,
    path: url.pathname,
    query,
    headers: flatHeaders(req.headers),
    body,
    rawBody: text,
    endpoint: route.endpoint,
    deployment: route.deployment,
    model: isRecord(body) && typeof body['model'] === 'string' ? body['model'] : route.deployment,
    stream: isRecord(body) && body['stream'] === true,
    at: now(),
    behaviour: 'ok',
    scripted: false,
    status: null,
    eventsSent: 0,
    outcome: 'pending',
    endedAt: null,
  };
  return { record, route, parsed };
}
