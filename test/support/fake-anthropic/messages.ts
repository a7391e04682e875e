/** Builds what the fake Anthropic API says: Message objects, stream events and error bodies. */
import type { AnthropicRequest, ErrorSpec, ReplyOptions, StreamOptions, ToolUseSpec, UsageSpec } from './types.ts';

type Json = Record<string, unknown>;

/** Narrows to a plain object. */
export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One SSE event in Anthropic's framing: `event: <type>` and the JSON data with the same `type`. */
export interface WireEvent {
  readonly type: string;
  readonly data: Json;
}

/** SSE text of one event. */
export function frame(e: WireEvent): string {
  return `event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

const tokens = (text: string): number => (text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4)));

function textOf(req: AnthropicRequest, o: ReplyOptions): string | null {
  if (o.text !== undefined) return o.text;
  return o.toolUses && o.toolUses.length > 0 ? null : `Hello from ${req.upstream}`;
}

function toolId(req: AnthropicRequest, t: ToolUseSpec, i: number): string {
  return t.id ?? `toolu_${req.upstream.replace(/\W/g, '_')}_${req.seq}_${i}`;
}

function usageOf(req: AnthropicRequest, text: string | null, o: ReplyOptions): Required<UsageSpec> {
  const u = o.usage ?? {};
  const out = tokens((text ?? '') + (o.toolUses ?? []).map((t) => t.name + JSON.stringify(t.input ?? {})).join(''));
  return {
    input_tokens: u.input_tokens ?? tokens(req.rawBody),
    output_tokens: u.output_tokens ?? out,
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
  };
}

function identity(req: AnthropicRequest, o: ReplyOptions): { id: string; model: string } {
  return { id: o.id ?? `msg_${req.upstream.replace(/\W/g, '_')}_${req.seq}`, model: o.model ?? req.model ?? 'claude-unknown' };
}

function stopReason(o: ReplyOptions): string {
  return o.stopReason ?? (o.toolUses && o.toolUses.length > 0 ? 'tool_use' : 'end_turn');
}

/** A non-streaming Message. */
export function message(req: AnthropicRequest, o: ReplyOptions): Json {
  const text = textOf(req, o);
  const content: Json[] = [];
  if (text !== null) content.push({ type: 'text', text });
  (o.toolUses ?? []).forEach((t, i) => content.push({ type: 'tool_use', id: toolId(req, t, i), name: t.name, input: t.input ?? {} }));
  return { ...identity(req, o), type: 'message', role: 'assistant', content, stop_reason: stopReason(o), stop_sequence: null, usage: usageOf(req, text, o) };
}

/** Text split before each word: `'a b c'` → `['a', ' b', ' c']`. */
function words(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

/** Splits JSON text into up to three fragments, as input_json_delta events carry it. */
function fragments(json: string): string[] {
  const size = Math.max(1, Math.ceil(json.length / 3));
  const out: string[] = [];
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size));
  return out;
}

/** The events of a streamed Message, in the documented order, up to and including `message_stop`. */
export function streamEvents(req: AnthropicRequest, o: StreamOptions): WireEvent[] {
  const text = textOf(req, o);
  const usage = usageOf(req, text, o);
  const ev = (type: string, data: Json = {}): WireEvent => ({ type, data: { type, ...data } });
  const start = { ...identity(req, o), type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } };
  const out: WireEvent[] = [ev('message_start', { message: start })];
  let index = 0;
  if (text !== null) {
    out.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    if (o.ping ?? true) out.push(ev('ping'));
    for (const piece of o.chunks ?? words(text)) out.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  (o.toolUses ?? []).forEach((t, i) => {
    out.push(ev('content_block_start', { index, content_block: { type: 'tool_use', id: toolId(req, t, i), name: t.name, input: {} } }));
    if (text === null && i === 0 && (o.ping ?? true)) out.push(ev('ping'));
    out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
    for (const part of fragments(JSON.stringify(t.input ?? {}))) out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  });
  out.push(ev('message_delta', { delta: { stop_reason: stopReason(o), stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }));
  out.push(ev('message_stop'));
  return out;
}

/** Anthropic's error type and message by HTTP status. */
function errorDefaults(status: number): Required<ErrorSpec> {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'Invalid request.' };
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key' };
    case 403:
      return { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' };
    case 404:
      return { type: 'not_found_error', message: 'The requested resource could not be found.' };
    case 413:
      return { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' };
    case 429:
      return { type: 'rate_limit_error', message: 'Number of requests has exceeded your per-minute rate limit.' };
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded' };
    default:
      return status >= 500 ? { type: 'api_error', message: 'Internal server error' } : { type: 'invalid_request_error', message: `Request failed with status ${status}.` };
  }
}

/** An Anthropic error body. */
export function errorBody(status: number, spec: ErrorSpec, requestId: string): Json {
  const d = errorDefaults(status);
  return { type: 'error', error: { type: spec.type ?? d.type, message: spec.message ?? d.message }, request_id: requestId };
}
