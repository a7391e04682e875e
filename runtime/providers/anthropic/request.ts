/**
 * An OpenAI chat completions request to a Messages API request: parameters, tools and tool
 * choice translated; parameters with no Anthropic meaning refused unless they are no-ops.
 * @module
 */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderAnthropic } from '../../plan.ts';
import { UnsupportedInput, type CallInput } from '../types.ts';
import { convertMessages } from './messages.ts';
import { callHeaders, providerUrl, type Block } from './wire.ts';
import { merged } from '../../merged.ts';

function refuse(message: string): never {
  throw new UnsupportedInput(message);
}

const absent = (v: unknown): boolean => v === undefined || v === null;

/**
 * OpenAI parameters that have no Anthropic counterpart, accepted only at the value that
 * changes nothing (the check), and refused otherwise with the reason.
 */
const NO_OPS: Readonly<Record<string, { readonly ok: (v: unknown) => boolean; readonly why: string }>> = {
  n: { ok: (v) => absent(v) || v === 1, why: 'Anthropic returns one choice per request ("n" must be 1)' },
  logprobs: { ok: (v) => absent(v) || v === false, why: 'Anthropic does not return log probabilities' },
  top_logprobs: { ok: absent, why: 'Anthropic does not return log probabilities' },
  frequency_penalty: { ok: (v) => absent(v) || v === 0, why: 'Anthropic has no frequency penalty' },
  presence_penalty: { ok: (v) => absent(v) || v === 0, why: 'Anthropic has no presence penalty' },
  logit_bias: { ok: (v) => absent(v) || (isObject(v) && Object.keys(v).length === 0), why: 'Anthropic has no logit bias' },
  response_format: { ok: (v) => absent(v) || (isObject(v) && v.type === 'text'), why: 'JSON modes (response_format) are not supported for Anthropic; use a tool instead' },
  modalities: { ok: (v) => absent(v) || (Array.isArray(v) && v.every((m) => m === 'text')), why: 'Anthropic answers with text only' },
  audio: { ok: absent, why: 'Anthropic does not produce audio' },
  prediction: { ok: absent, why: 'Anthropic has no predicted outputs' },
  reasoning_effort: { ok: absent, why: '"reasoning_effort" is not translated to Anthropic extended thinking' },
  verbosity: { ok: absent, why: 'Anthropic has no verbosity setting' },
  web_search_options: { ok: absent, why: 'web search is not available through chat completions for Anthropic' },
  functions: { ok: absent, why: '"functions" is not supported; use "tools"' },
  function_call: { ok: absent, why: '"function_call" is not supported; use "tool_choice"' },
};

/**
 * Parameters read elsewhere, or harmless to leave out: `stream_options` (Anthropic streams
 * always report usage), `seed` (best effort even at OpenAI), `metadata` (OpenAI's stored
 * completion tags; Anthropic's metadata takes only a user id), `prompt_cache_key` (a routing
 * hint; Anthropic caches by `cache_control` markers), `store` (nothing is stored at another
 * provider), `service_tier` (OpenAI's tiers; Anthropic's own default, `auto`, applies).
 */
const HANDLED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'user',
  'safety_identifier',
  'seed',
  'metadata',
  'prompt_cache_key',
  'store',
  'service_tier',
]);

function checkParams(body: JsonObject): void {
  for (const [key, value] of Object.entries(body)) {
    const rule = NO_OPS[key];
    if (rule) {
      if (!rule.ok(value)) refuse(`"${key}" is not supported: ${rule.why}`);
    } else if (!HANDLED.has(key)) {
      refuse(`"${key.slice(0, 64)}" is not a chat completions parameter the Anthropic adapter can translate`);
    }
  }
}

/** One OpenAI function tool as an Anthropic tool (`strict` and a `cache_control` on the tool pass through). */
function toolOf(tool: unknown, i: number): Block {
  if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function) || typeof tool.function.name !== 'string') {
    return refuse(`tools[${i}]: only function tools ({"type": "function", "function": {"name", ...}}) are supported`);
  }
  const fn = tool.function;
  if (!absent(fn.parameters) && !isObject(fn.parameters)) refuse(`tools[${i}]: "parameters" must be a JSON schema object`);
  return {
    name: fn.name,
    ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
    input_schema: isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    // Strict tool use (inputs that always match the schema) has the same name in both APIs.
    ...(typeof fn.strict === 'boolean' ? { strict: fn.strict } : {}),
    ...(isObject(tool.cache_control) ? { cache_control: tool.cache_control } : {}),
  };
}

/** `tool_choice` and `parallel_tool_calls` as Anthropic's `tool_choice`, or null for the default. */
function toolChoiceOf(choice: unknown, parallel: unknown): JsonObject | null {
  let out: JsonObject | null;
  if (absent(choice)) out = null;
  else if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'none') out = { type: 'none' };
  else if (choice === 'required') out = { type: 'any' };
  else if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') out = { type: 'tool', name: choice.function.name };
  else return refuse('"tool_choice" must be "auto", "none", "required" or {"type": "function", "function": {"name": ...}}');
  if (absent(parallel) || parallel === true) return out;
  if (parallel !== false) refuse('"parallel_tool_calls" must be true or false');
  if (out?.type === 'none') return out;
  return merged(out ?? { type: 'auto' }, { disable_parallel_tool_use: true });
}

function stopOf(stop: unknown): string[] | null {
  if (absent(stop)) return null;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop.length > 0 ? stop : null;
  return refuse('"stop" must be a string or a list of strings');
}

/** The Messages API body for a chat completions body. */
export function messagesBody(body: JsonObject, model: string, defaultMaxTokens: number): JsonObject {
  checkParams(body);
  const { system, messages } = convertMessages(body.messages);
  const out: JsonObject = { model };
  if (system.length > 0) out.system = system;
  out.messages = messages;
  out.max_tokens = body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens;
  for (const key of ['temperature', 'top_p', 'top_k'] as const) if (!absent(body[key])) out[key] = body[key];
  const stop = stopOf(body.stop);
  if (stop) out.stop_sequences = stop;
  if (!absent(body.tools)) {
    if (!Array.isArray(body.tools)) refuse('"tools" must be a list');
    if (body.tools.length > 0) out.tools = body.tools.map(toolOf);
  }
  const choice = toolChoiceOf(body.tool_choice, body.parallel_tool_calls);
  if (choice) out.tool_choice = choice;
  const user = typeof body.user === 'string' && body.user !== '' ? body.user : typeof body.safety_identifier === 'string' ? body.safety_identifier : null;
  if (user !== null) out.metadata = { user_id: user };
  if (body.stream === true) out.stream = true;
  return out;
}

/** The upstream request for a chat completion. */
export function chatRequest(input: CallInput<PlanProviderAnthropic>): UpstreamRequest {
  const stream = input.body.stream === true;
  return {
    url: providerUrl(input.provider, 'v1/messages'),
    method: 'POST',
    headers: callHeaders(input.provider, input.apiKey, input.headers, stream),
    body: JSON.stringify(messagesBody(input.body, input.model, input.provider.defaultMaxTokens)),
  };
}
