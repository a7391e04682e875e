/**
 * One attempt at one target: build the provider request, send it under the attempt's
 * clocks, and turn what comes back into an Answer or a Failure. A stream is committed only
 * once its first upstream event has been seen and translated.
 * @module
 */
import { UpstreamError, type UpstreamResponse } from '../http/types.ts';
import type { JsonObject, Usage } from '../openai/types.ts';
import type { PlanProvider, PlanTargetNode } from '../plan.ts';
import { apiKeyOf } from '../providers/credentials.ts';
import { adapterFor } from '../providers/registry.ts';
import { UnsupportedInput, type CallInput, type ParsedResponse, type ProviderAdapter, type StreamTranslator } from '../providers/types.ts';
import { createSseDecoder } from '../sse/decoder.ts';
import type { SseEvent } from '../sse/types.ts';
import type { Answer, ContentStep, EventSource, Outcome, Served } from './answer.ts';
import type { Call, StopReason } from './call.ts';
import { AttemptClock } from './clock.ts';
import { failure, type Failure } from './failure.ts';
import { merged } from '../merged.ts';

/** Largest error body read from a provider. */
const MAX_ERROR_BYTES = 64 * 1024;
/** Largest JSON answer read from a provider. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
const USER_AGENT = 'sluice-gateway/0.1';

/** Runs one attempt and records it in `call.attempts`. */
export async function attempt(call: Call, target: PlanTargetNode): Promise<Outcome> {
  const started = call.ctx.clock.now();
  const outcome = await tryTarget(call, target);
  const f = outcome.ok ? null : outcome.failure;
  call.attempts.push({
    provider: target.provider,
    model: target.model === '*' ? String(call.body.model) : target.model,
    status: outcome.ok ? 200 : f!.status,
    errorClass: f?.class ?? null,
    latencyMs: call.ctx.clock.now() - started,
  });
  return outcome;
}

async function tryTarget(call: Call, target: PlanTargetNode): Promise<Outcome> {
  const provider = call.ctx.plan.providers[target.provider]!;
  const adapter = adapterFor(provider);
  if (!adapter) return fail(failure('invalid_request', 'provider_not_supported', `Provider type ${provider.type} is not available in this gateway build yet.`, { final: true }));
  const key = await apiKeyOf(provider, call.ctx);
  if (isFailure(key)) return fail(key);
  // A provider that speaks the client's API natively gets the client's body untranslated.
  const native = call.protocol.api === 'chat' ? undefined : adapter.apis?.[call.protocol.api];
  const input = callInput(call, target, provider, key, native ? call.clientBody : call.body, native !== undefined);
  const ops = native ?? (call.endpoint === 'chat' ? adapter.chat : adapter.embeddings);
  if (!ops) return fail(failure('invalid_request', 'endpoint_not_supported', `Provider ${provider.name} has no embeddings API.`, { final: true }));
  const clock = call.stream
    ? new AttemptClock(call.signal, Math.min(call.route.firstTokenTimeoutMs, target.timeoutMs), 'first_token', target.timeoutMs)
    : new AttemptClock(call.signal, target.timeoutMs, 'timeout');
  const transport = adapter.transport(provider) ?? call.ctx.upstream;
  let upstreamRequest;
  try {
    upstreamRequest = ops.request(input);
  } catch (err) {
    clock.dispose();
    if (err instanceof UnsupportedInput) return fail(failure('invalid_request', 'unsupported_input', `${provider.name}: ${err.message}`, { final: true }));
    throw err;
  }
  let res: UpstreamResponse;
  try {
    res = await transport.send(merged(upstreamRequest, { signal: clock.signal }));
  } catch (err) {
    clock.dispose();
    return fail(transportFailure(err, clock.reason()));
  }
  if (res.status < 200 || res.status > 299) return errorAnswer(call, adapter, res, clock);
  const served: Served = { provider: target.provider, model: input.model };
  if (!call.stream) return jsonAnswer(res, clock, served, (body) => ops.response(body, input), native !== undefined);
  return streamAnswer(res, clock, served, (native ?? adapter.chat).stream(input));
}

function callInput(call: Call, target: PlanTargetNode, provider: PlanProvider, apiKey: string | null, body: JsonObject, native: boolean): CallInput {
  const model = target.model === '*' ? String(call.clientBody.model) : target.model;
  // A native call speaks the client's API, so the client's version and beta headers apply.
  const headers: Record<string, string> = native ? merged(call.apiHeaders, { 'user-agent': USER_AGENT }) : { 'user-agent': USER_AGENT };
  if (call.idempotencyKey !== null) headers['idempotency-key'] = call.idempotencyKey;
  const created = Math.floor(call.startedAt / 1000);
  const params = native ? nativeParams(call.protocol.api, target.params) : target.params;
  return { provider, model, body: merged(body, params, { model }), apiKey, headers, created, requestId: call.requestId };
}

/**
 * A target's `params` (chat vocabulary) in the names of the client API a native call speaks.
 * Parameters that API has no field for apply only where the gateway translates the request.
 */
const NATIVE_PARAM_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  messages: { max_tokens: 'max_tokens', max_completion_tokens: 'max_tokens', temperature: 'temperature', top_p: 'top_p', stop: 'stop_sequences', top_k: 'top_k' },
  responses: { max_tokens: 'max_output_tokens', max_completion_tokens: 'max_output_tokens', temperature: 'temperature', top_p: 'top_p', parallel_tool_calls: 'parallel_tool_calls' },
};

function nativeParams(api: string, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const names = NATIVE_PARAM_NAMES[api];
  if (!names) return { ...params };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    const name = names[k];
    if (name === undefined) continue;
    out[name] = name === 'stop_sequences' && typeof v === 'string' ? [v] : v;
  }
  return out;
}

function fail(f: Failure): Outcome {
  return { ok: false, failure: f };
}

function isFailure(v: unknown): v is Failure {
  return typeof v === 'object' && v !== null && 'class' in v;
}

/** A failure for a transport error, told apart by the phase and by who aborted. */
export function transportFailure(err: unknown, reason: StopReason | 'timeout' | 'first_token' | null): Failure {
  if (!(err instanceof UpstreamError)) return failure('network', 'upstream_unreachable', 'The provider could not be reached.');
  const accepted = err.maybeAccepted;
  if (err.failure === 'aborted' || reason !== null) return stopFailure(reason ?? 'timeout', accepted);
  if (err.failure === 'too_large') return failure('server', 'upstream_too_large', 'The provider sent more data than the gateway accepts.', { maybeAccepted: true });
  const where = err.phase === 'connect' ? 'before the request was sent' : err.phase === 'wait' ? 'after the request was sent' : 'while the answer was arriving';
  return failure('network', 'upstream_unreachable', `The connection to the provider failed ${where}.`, { maybeAccepted: accepted });
}

/** The failure for a stopped attempt. */
export function stopFailure(reason: StopReason | 'timeout' | 'first_token', maybeAccepted = true): Failure {
  switch (reason) {
    case 'client_closed':
      return failure('network', 'client_closed', 'The client closed the connection.', { final: true, maybeAccepted });
    case 'deadline':
      return failure('timeout', 'deadline_exceeded', 'The request ran out of time (route deadline).', { final: true, maybeAccepted });
    case 'first_token':
      return failure('timeout', 'upstream_timeout', 'The provider sent no first token in time.', { maybeAccepted });
    default:
      return failure('timeout', 'upstream_timeout', 'The provider did not answer in time.', { maybeAccepted });
  }
}

async function errorAnswer(call: Call, adapter: ProviderAdapter, res: UpstreamResponse, clock: AttemptClock): Promise<Outcome> {
  let text = '';
  try {
    text = await res.text(MAX_ERROR_BYTES);
  } catch {
    res.cancel();
  } finally {
    clock.dispose();
  }
  return fail(adapter.error(res.status, res.headers, text, call.ctx.clock.now()));
}

async function jsonAnswer(res: UpstreamResponse, clock: AttemptClock, served: Served, parse: (body: unknown) => ParsedResponse<JsonObject>, native: boolean): Promise<Outcome> {
  let text: string;
  try {
    text = await res.text(MAX_ANSWER_BYTES);
  } catch (err) {
    return fail(transportFailure(err, clock.reason()));
  } finally {
    clock.dispose();
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(failure('server', 'upstream_malformed', 'The provider answered with a body that is not JSON.', { status: res.status }));
  }
  const parsed = parse(body);
  if (!parsed.ok) return fail(parsed.failure);
  return { ok: true, answer: { kind: 'json', served, text: parsed.value === body ? text : JSON.stringify(parsed.value), value: parsed.value, usage: parsed.usage, native } };
}

/** Upstream events with a way to put back the part of a batch that was not used yet. */
interface Rewindable extends EventSource {
  /** `events` come first from the next `next()`. */
  unread(events: readonly SseEvent[]): void;
}

/** Upstream body → batches of SSE events. */
function eventSource(res: UpstreamResponse): Rewindable {
  const decoder = createSseDecoder();
  const it = res.body[Symbol.asyncIterator]();
  let ended = false;
  let unread: readonly SseEvent[] | null = null;
  const onChunk = (r: IteratorResult<Uint8Array>): readonly SseEvent[] | null | Promise<readonly SseEvent[] | null> => {
    if (r.done) {
      ended = true;
      const rest = decoder.end();
      return rest.length > 0 ? rest : null;
    }
    const events = decoder.push(r.value);
    return events.length > 0 ? events : source.next();
  };
  const source: Rewindable = {
    next() {
      if (unread !== null) {
        const events = unread;
        unread = null;
        return Promise.resolve(events);
      }
      if (ended) return Promise.resolve(null);
      return it.next().then(onChunk);
    },
    cancel() {
      ended = true;
      unread = null;
      res.cancel();
    },
    unread(events) {
      if (events.length > 0) unread = events;
    },
  };
  return source;
}

async function streamAnswer(res: UpstreamResponse, clock: AttemptClock, served: Served, translator: StreamTranslator): Promise<Outcome> {
  const events = eventSource(res);
  const first: ContentStep[] = [];
  let usage: Usage | null = null;
  let ended = false;
  const stop = (f: Failure): Outcome => {
    events.cancel();
    clock.dispose();
    return fail(f);
  };
  // Nothing is committed to the client until an event carried content: an error or an empty
  // stream before that is a failed attempt the route can retry or fall back from.
  while (first.length === 0 && !ended) {
    let batch;
    try {
      batch = await events.next();
    } catch (err) {
      return stop(err instanceof UpstreamError || clock.reason() !== null ? transportFailure(err, clock.reason()) : failure('server', 'upstream_malformed', 'The provider sent a stream the gateway cannot read.', { maybeAccepted: true }));
    }
    if (batch === null) break;
    for (let i = 0; i < batch.length; i++) {
      const step = translator.next(batch[i]!);
      if (step.kind === 'error') return stop(step.failure);
      if (step.kind === 'done') {
        ended = true;
        break;
      }
      if (step.kind === 'chunks' || step.kind === 'events') {
        if (step.usage) usage = step.usage;
        if ((step.kind === 'chunks' ? step.chunks.length : step.events.length) > 0) {
          first.push(step);
          // Commit on the first content: the rest of the batch is the relay's, after the client has its first byte.
          events.unread(batch.slice(i + 1));
          break;
        }
      }
    }
  }
  if (first.length === 0) return stop(failure('server', 'upstream_empty_stream', 'The provider ended the stream without any content.', { maybeAccepted: true }));
  clock.commit();
  const answer: Answer = {
    kind: 'stream',
    served,
    first,
    usage,
    ended,
    tail: { events, translator, touch: () => clock.touch(), stopFailure: () => stopReasonFailure(clock), dispose: () => clock.dispose() },
  };
  return { ok: true, answer };
}

function stopReasonFailure(clock: AttemptClock): Failure | null {
  const reason = clock.reason();
  return reason === null ? null : stopFailure(reason);
}
