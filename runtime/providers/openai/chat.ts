/**
 * OpenAI chat completions: the request as the client sent it (model replaced, usage asked
 * for in streams), the response checked for shape, stream chunks forwarded as they are.
 * @module
 */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type ChatChunk, type ChatCompletion, type JsonObject, type Usage } from '../../openai/types.ts';
import { failure } from '../../routing/failure.ts';
import type { SseEvent } from '../../sse/types.ts';
import type { ParsedResponse, StreamStep, StreamTranslator } from '../types.ts';
import { errorMember, failureOf } from './errors.ts';
import { merged } from '../../merged.ts';

/** Where and how to send: what differs between OpenAI-compatible providers. */
export interface OpenaiTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Ask for usage in streams with `stream_options.include_usage`. */
  readonly streamUsage: boolean;
}

/** True when the client itself asked for the usage chunk. */
export function clientWantsUsage(body: JsonObject): boolean {
  return isObject(body.stream_options) && body.stream_options.include_usage === true;
}

/**
 * The body without the canonical extensions OpenAI itself rejects: `top_k` and
 * `cache_control` on content parts (they come from Anthropic Messages clients).
 */
export function withoutExtensions(body: JsonObject): JsonObject {
  const hasTopK = 'top_k' in body;
  const messages = Array.isArray(body.messages) ? body.messages : null;
  const marked = messages?.some((m: unknown) => isObject(m) && Array.isArray(m.content) && m.content.some((p: unknown) => isObject(p) && 'cache_control' in p)) ?? false;
  if (!hasTopK && !marked) return body;
  const { top_k: _, ...rest } = body;
  if (!marked) return rest;
  return merged(rest, {
    messages: messages!.map((m: unknown) =>
      isObject(m) && Array.isArray(m.content) ? merged(m, { content: m.content.map((p: unknown) => (isObject(p) && 'cache_control' in p ? dropKey(p, 'cache_control') : p)) }) : m,
    ),
  });
}

function dropKey(o: JsonObject, key: string): JsonObject {
  const { [key]: _, ...rest } = o;
  return rest;
}

/** Builds the upstream request for an OpenAI-compatible chat completion. */
export function chatRequest(target: OpenaiTarget, body: JsonObject): UpstreamRequest {
  const stream = body.stream === true;
  const out = stream && target.streamUsage && !clientWantsUsage(body) ? merged(body, { stream_options: merged(isObject(body.stream_options) ? body.stream_options : {}, { include_usage: true }) }) : body;
  return {
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...target.headers },
    body: JSON.stringify(out),
  };
}

/** Checks a non-streaming answer. */
export function chatResponse(body: unknown): ParsedResponse<ChatCompletion> {
  const err = errorMember(body);
  if (err) return { ok: false, failure: failureOf(err, null, { maybeAccepted: true }) };
  if (!isObject(body) || !Array.isArray(body.choices)) {
    return { ok: false, failure: failure('server', 'upstream_malformed', 'the provider answered with an unexpected body', { maybeAccepted: true }) };
  }
  if (!body.choices.every(choiceOk)) {
    return { ok: false, failure: failure('server', 'upstream_malformed', 'the provider answered with a choice of an unexpected shape', { maybeAccepted: true }) };
  }
  const completion = body as ChatCompletion;
  return { ok: true, value: completion, usage: usageOf(completion.usage) };
}

/**
 * The parts of a choice (or a stream chunk's choice) the gateway and its client encoders read,
 * in the types they read them as: anything else is the provider's malformed answer, never a
 * crash further on. Fields the gateway does not read are not checked.
 */
function choiceOk(choice: unknown): boolean {
  if (!isObject(choice)) return false;
  const finish = choice.finish_reason;
  if (finish !== undefined && finish !== null && typeof finish !== 'string') return false;
  return messageOk(choice.message) && messageOk(choice.delta);
}

function messageOk(m: unknown): boolean {
  if (m === undefined) return true;
  if (!isObject(m)) return false;
  const content = m.content;
  if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) return false;
  const calls = m.tool_calls;
  if (calls === undefined || calls === null) return true;
  return Array.isArray(calls) && calls.every((c: unknown) => isObject(c) && (c.function === undefined || isObject(c.function)));
}

/** Usage if it is well formed. */
export function usageOf(value: unknown): Usage | null {
  if (!isObject(value) || typeof value.prompt_tokens !== 'number' || typeof value.completion_tokens !== 'number') return null;
  return value as unknown as Usage;
}

/** Forwards OpenAI chunks; hides the usage-only chunk when only the gateway asked for it. */
export function chatStream(body: JsonObject): StreamTranslator {
  const showUsage = clientWantsUsage(body);
  return {
    next(event: SseEvent): StreamStep {
      const data = event.data;
      if (data === '[DONE]') return { kind: 'done' };
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return { kind: 'error', failure: failure('server', 'upstream_malformed', 'the provider sent a stream event that is not JSON', { maybeAccepted: true }) };
      }
      // Property checks on the parsed value, not searches of the text: a search costs more than
      // the lookup, and would miss a key written with escapes ("\u0065rror").
      const err = errorMember(parsed);
      if (err) return { kind: 'error', failure: failureOf(err, null, { maybeAccepted: true }) };
      if (!isObject(parsed)) return { kind: 'ignore' };
      const choices = parsed.choices;
      if (choices !== undefined && choices !== null && !(Array.isArray(choices) && choices.every(choiceOk))) {
        return { kind: 'error', failure: failure('server', 'upstream_malformed', 'the provider sent a stream event of an unexpected shape', { maybeAccepted: true }) };
      }
      const chunk = parsed as ChatChunk;
      const usage = chunk.usage === undefined || chunk.usage === null ? null : usageOf(chunk.usage);
      if (usage !== null && !showUsage && Array.isArray(chunk.choices) && chunk.choices.length === 0) return { kind: 'chunks', chunks: [], usage };
      return { kind: 'chunks', chunks: [{ chunk, raw: data }], usage };
    },
  };
}
