/**
 * Anthropic's own APIs passed through: the Messages API for clients that speak it (body out
 * with only `model` replaced, answers and events back unchanged, usage read on the way), and
 * `/native/anthropic/...` URLs and headers.
 * @module
 */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderAnthropic } from '../../plan.ts';
import type { SseEvent } from '../../sse/types.ts';
import type { CallInput, NativeAdapter, NativeApiAdapter, ParsedResponse, StreamStep, StreamTranslator } from '../types.ts';
import { errorMember, malformed, streamFailure } from './errors.ts';
import { callHeaders, eventData, mergeUsage, providerUrl, usageOf, type AnthropicUsage } from './wire.ts';

/** Events that carry no output yet: held back until something follows them. */
const LEADING = new Set(['message_start', 'ping', 'content_block_start']);

/** Characters of generated output in one event (text, tool input, thinking), for usage estimates. */
function outputChars(data: JsonObject): number {
  if (data.type !== 'content_block_delta' || !isObject(data.delta)) return 0;
  const d = data.delta;
  const piece = d.type === 'text_delta' ? d.text : d.type === 'input_json_delta' ? d.partial_json : d.type === 'thinking_delta' ? d.thinking : '';
  return typeof piece === 'string' ? piece.length : 0;
}

/**
 * Forwards Messages events as `events` steps. Leading events without output
 * (`message_start`, `ping`, `content_block_start`) are held and sent with the first event after
 * them, so an `error` event before any output fails the attempt and the pipeline can fall
 * back. `finished` turns true with `message_stop` (forwarded as is); anything after it is `done`.
 */
class NativeStream implements StreamTranslator {
  readonly #held: SseEvent[] = [];
  #started = false;
  #startUsage: JsonObject | null = null;
  #stopped = false;

  next(event: SseEvent): StreamStep {
    if (this.#stopped) return { kind: 'done' };
    const data = eventData(event.data);
    if (!data) return { kind: 'error', failure: malformed('a stream event that is not a JSON object') };
    const type = typeof data.type === 'string' ? data.type : event.event;
    if (type === 'error') return { kind: 'error', failure: streamFailure(data) };
    if (type === 'message_start' && isObject(data.message) && isObject(data.message.usage)) this.#startUsage = data.message.usage;
    if (!this.#started && type !== null && LEADING.has(type)) {
      this.#held.push(event);
      return { kind: 'ignore' };
    }
    this.#started = true;
    const events = [...this.#held.splice(0), event];
    let usage: AnthropicUsage | null = null;
    if (type === 'message_delta') usage = mergeUsage(this.#startUsage, data.usage);
    if (type === 'message_stop') this.#stopped = true;
    return { kind: 'events', events, usage, outputChars: outputChars(data), finished: this.#stopped };
  }
}

/** The Messages API, spoken natively. */
export const messagesApi: NativeApiAdapter<PlanProviderAnthropic> = {
  request(input: CallInput<PlanProviderAnthropic>): UpstreamRequest {
    const stream = input.body.stream === true;
    return { url: providerUrl(input.provider, 'v1/messages'), method: 'POST', headers: callHeaders(input.provider, input.apiKey, input.headers, stream), body: JSON.stringify(input.body) };
  },
  response(body: unknown): ParsedResponse<JsonObject> {
    if (errorMember(body)) return { ok: false, failure: streamFailure(body) };
    if (!isObject(body) || !Array.isArray(body.content)) return { ok: false, failure: malformed('an answer that is not a message') };
    return { ok: true, value: body, usage: usageOf(body.usage) };
  },
  stream: () => new NativeStream(),
};

/**
 * `/native/anthropic/<path>`: the provider's base URL, the key as `x-api-key`, and the provider's
 * `anthropic-version`. (The pipeline adds these over the client's own `anthropic-version`; see
 * docs/decisions.md, "Provider: Anthropic".)
 */
export const nativeApi: NativeAdapter<PlanProviderAnthropic> = {
  url: (provider, path, search) => `${providerUrl(provider, path)}${search}`,
  headers: (provider, apiKey) => ({ 'anthropic-version': provider.version, ...(apiKey === null ? {} : { 'x-api-key': apiKey }) }),
};
