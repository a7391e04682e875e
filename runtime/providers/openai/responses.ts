/**
 * OpenAI's Responses API spoken natively: a client's `/v1/responses` request goes to
 * OpenAI unchanged (model replaced), and the answer or its stream events come back
 * unchanged. Only the usage is read on the way.
 * @module
 */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type JsonObject, type Usage } from '../../openai/types.ts';
import type { PlanProviderOpenai } from '../../plan.ts';
import { failure } from '../../routing/failure.ts';
import type { SseEvent } from '../../sse/types.ts';
import type { CallInput, NativeApiAdapter, ParsedResponse, StreamStep } from '../types.ts';
import { errorMember, failureOf } from './errors.ts';

/** Usage of a `response` object in OpenAI's chat usage shape. */
export function responsesUsage(response: unknown): Usage | null {
  if (!isObject(response) || !isObject(response.usage)) return null;
  const u = response.usage;
  const input = typeof u.input_tokens === 'number' ? u.input_tokens : 0;
  const output = typeof u.output_tokens === 'number' ? u.output_tokens : 0;
  const cached = isObject(u.input_tokens_details) && typeof u.input_tokens_details.cached_tokens === 'number' ? u.input_tokens_details.cached_tokens : 0;
  const reasoning = isObject(u.output_tokens_details) && typeof u.output_tokens_details.reasoning_tokens === 'number' ? u.output_tokens_details.reasoning_tokens : 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

function request(input: CallInput<PlanProviderOpenai>, auth: Record<string, string>): UpstreamRequest {
  const stream = input.body.stream === true;
  return {
    url: `${input.provider.baseUrl}/responses`,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...input.headers, ...auth },
    body: JSON.stringify(input.body),
  };
}

function response(body: unknown): ParsedResponse<JsonObject> {
  const err = errorMember(body);
  if (err) return { ok: false, failure: failureOf(err, null) };
  if (!isObject(body) || !Array.isArray(body.output)) {
    return { ok: false, failure: failure('server', 'upstream_malformed', 'the provider answered with an unexpected body', { maybeAccepted: true }) };
  }
  return { ok: true, value: body, usage: responsesUsage(body) };
}

function deltaChars(data: JsonObject): number {
  return typeof data.delta === 'string' ? data.delta.length : 0;
}

function stream(): { next(event: SseEvent): StreamStep } {
  return {
    next(event) {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return { kind: 'error', failure: failure('server', 'upstream_malformed', 'the provider sent a stream event that is not JSON', { maybeAccepted: true }) };
      }
      if (!isObject(data)) return { kind: 'ignore' };
      const type = typeof data.type === 'string' ? data.type : (event.event ?? '');
      if (type === 'error') {
        return { kind: 'error', failure: failureOf({ message: typeof data.message === 'string' ? data.message : 'provider error', code: typeof data.code === 'string' ? data.code : null }, null, { maybeAccepted: true }) };
      }
      if (type === 'response.failed') {
        const err = isObject(data.response) && isObject(data.response.error) ? data.response.error : {};
        return { kind: 'error', failure: failureOf({ message: typeof err.message === 'string' ? err.message : 'the response failed', code: typeof err.code === 'string' ? err.code : null }, null, { maybeAccepted: true }) };
      }
      const finished = type === 'response.completed' || type === 'response.incomplete';
      const usage = finished ? responsesUsage(data.response) : null;
      return { kind: 'events', events: [event], usage, outputChars: deltaChars(data), finished };
    },
  };
}

/** The Responses API on an OpenAI provider, with the given auth headers. */
export function responsesApi(auth: (p: PlanProviderOpenai, key: string | null) => Record<string, string>): NativeApiAdapter<PlanProviderOpenai> {
  return {
    request: (input) => request(input, auth(input.provider, input.apiKey)),
    response: (body) => response(body),
    stream,
  };
}
