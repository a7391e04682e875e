/** Shared inputs for the Anthropic adapter's unit tests. */
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import type { PlanProviderAnthropic } from '../../../../runtime/plan.ts';
import type { CallInput, StreamStep, StreamTranslator } from '../../../../runtime/providers/types.ts';

/** An Anthropic provider as the Plan holds it. */
export const PROVIDER: PlanProviderAnthropic = {
  type: 'anthropic',
  name: 'claude',
  models: null,
  timeoutMs: null,
  baseUrl: 'https://api.anthropic.com',
  apiKey: { secret: 'sluice/anthropic', field: null, env: null },
  version: '2023-06-01',
  defaultMaxTokens: 1024,
};

/** The key the provider is called with. */
export const KEY = 'sk-ant-unit-test-key';

/** A call input for `body` (model `claude-test`). */
export function input(body: JsonObject, overrides: Partial<CallInput<PlanProviderAnthropic>> = {}): CallInput<PlanProviderAnthropic> {
  return { provider: PROVIDER, model: 'claude-test', body: { model: 'claude-test', ...body }, apiKey: KEY, headers: {}, created: 1_700_000_000, requestId: 'req-1', ...overrides };
}

/** An SSE event the way the decoder hands it over, named after its `type`. */
export function sse(data: JsonObject | string, event?: string | null): { event: string | null; data: string; id: null } {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const name = event !== undefined ? event : typeof data === 'string' ? null : (data.type as string);
  return { event: name, data: text, id: null };
}

/** Feeds events to a translator and returns every step. */
export function feed(t: StreamTranslator, events: readonly (JsonObject | string)[]): StreamStep[] {
  return events.map((e) => t.next(sse(e)));
}

/** `message_start` with the given usage. */
export function messageStart(usage: JsonObject = { input_tokens: 10, output_tokens: 1 }, id = 'msg_1'): JsonObject {
  return { type: 'message_start', message: { id, type: 'message', role: 'assistant', content: [], model: 'claude-test-20250101', stop_reason: null, stop_sequence: null, usage } };
}

/** `content_block_start` of a text block. */
export const textStart = (index: number): JsonObject => ({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
/** `content_block_delta` with text. */
export const textDelta = (index: number, text: string): JsonObject => ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
/** `content_block_start` of a tool_use block. */
export const toolStart = (index: number, id: string, name: string, input: JsonObject = {}): JsonObject => ({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input } });
/** `content_block_delta` with a tool input fragment. */
export const jsonDelta = (index: number, partial_json: string): JsonObject => ({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
/** `content_block_stop`. */
export const blockStop = (index: number): JsonObject => ({ type: 'content_block_stop', index });
/** `message_delta` with a stop reason and usage. */
export const messageDelta = (stop_reason: string, usage: JsonObject = { output_tokens: 5 }): JsonObject => ({ type: 'message_delta', delta: { stop_reason, stop_sequence: null }, usage });
/** `message_stop`. */
export const messageStop: JsonObject = { type: 'message_stop' };
