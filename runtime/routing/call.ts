/**
 * One client request on its way through the strategy tree: what was asked, by whom, the
 * clocks it runs under, and the attempts made so far.
 * @module
 */
import type { ClientProtocol } from '../apis/types.ts';
import type { HandlerContext } from '../core/context.ts';
import type { AttemptRecord } from '../log/types.ts';
import type { JsonObject } from '../openai/types.ts';
import type { PlanConsumer, PlanRoute } from '../plan.ts';
import type { HeaderReader } from '../core/request.ts';
import { Stop, type StopSignal } from '../core/stop.ts';

/** Why a request's signal fired. */
export type StopReason = 'client_closed' | 'deadline';

/** Facts about the request that conditions can test. */
export interface RequestFacts {
  /** Request headers (names are case-insensitive). */
  readonly headers: HeaderReader;
  /** Parsed `x-sluice-metadata`, values as strings. */
  readonly metadata: Readonly<Record<string, string>>;
  /** ISO country code from CloudFront-Viewer-Country, or null. */
  readonly country: string | null;
}

/** A request being served. */
export interface Call {
  readonly ctx: HandlerContext;
  /** The gateway's id of this request. */
  readonly requestId: string;
  readonly route: PlanRoute;
  readonly endpoint: 'chat' | 'embeddings';
  /** The client's API. */
  readonly protocol: ClientProtocol;
  /** The body as the client sent it, in its API's shape (model still the alias). */
  readonly clientBody: JsonObject;
  /** The canonical chat (or embeddings) body (model still the alias). */
  readonly body: JsonObject;
  readonly stream: boolean;
  readonly consumer: PlanConsumer | null;
  readonly facts: RequestFacts;
  readonly startedAt: number;
  readonly deadlineAt: number;
  /** Fires when the client goes away or the deadline passes; `reason` is a StopReason. */
  readonly signal: StopSignal;
  /** The client's Idempotency-Key: resending after a possibly accepted POST is then safe. */
  readonly idempotencyKey: string | null;
  /** Client headers of its API (`anthropic-version`, `anthropic-beta`, `openai-beta`) for native calls. */
  readonly apiHeaders: Readonly<Record<string, string>>;
  /** Attempts made so far, in order. */
  readonly attempts: AttemptRecord[];
}

/** A signal for a request that fires on client disconnect and at the deadline. */
export function requestSignal(client: StopSignal, deadlineMs: number): { signal: StopSignal; dispose(): void } {
  const controller = new Stop();
  const onClient = (): void => controller.abort('client_closed' satisfies StopReason);
  if (client.aborted) onClient();
  else client.addEventListener('abort', onClient, { once: true });
  const timer = setTimeout(() => controller.abort('deadline' satisfies StopReason), Math.max(0, deadlineMs));
  timer.unref?.();
  return {
    signal: controller,
    dispose() {
      clearTimeout(timer);
      client.removeEventListener('abort', onClient);
    },
  };
}
