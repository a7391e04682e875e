/** OpenAI chat request → Converse input: every field is translated, accepted at its default, ignored (it cannot change the answer) or refused. */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderBedrock } from '../../plan.ts';
import type { CallInput } from '../types.ts';
import { absent, unsupported } from './input.ts';
import { conversation } from './messages.ts';
import { toolConfig } from './tools.ts';
import { bedrockUrl } from './url.ts';

/** Fields translated below. */
const TRANSLATED = new Set(['model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'tools', 'tool_choice']);
/** Fields that cannot change the answer: an end-user id for OpenAI's abuse checks, stored-completion tags. */
const IGNORED = new Set(['user', 'metadata']);
/** Fields accepted only at the value that means "OpenAI's default behaviour". */
const DEFAULT_ONLY: Readonly<Record<string, (value: unknown) => boolean>> = {
  n: (v) => v === 1,
  parallel_tool_calls: (v) => v === true,
  logprobs: (v) => v === false,
  store: (v) => v === false,
  presence_penalty: (v) => v === 0,
  frequency_penalty: (v) => v === 0,
  response_format: (v) => isObject(v) && v.type === 'text',
};

function checkFields(body: JsonObject): void {
  for (const [key, value] of Object.entries(body)) {
    if (TRANSLATED.has(key) || IGNORED.has(key) || absent(value)) continue;
    const accepts = DEFAULT_ONLY[key];
    if (accepts?.(value)) continue;
    unsupported(accepts ? `"${key}": ${JSON.stringify(value)} is not supported by Bedrock Converse` : `"${key}" is not supported by Bedrock Converse`);
  }
}

/** `inferenceConfig` from max tokens, temperature, top_p and stop; null when none is set. */
export function inferenceConfig(body: JsonObject): JsonObject | null {
  const config: JsonObject = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (!absent(maxTokens)) config.maxTokens = maxTokens;
  if (!absent(body.temperature)) config.temperature = body.temperature;
  if (!absent(body.top_p)) config.topP = body.top_p;
  if (typeof body.stop === 'string') config.stopSequences = [body.stop];
  else if (Array.isArray(body.stop)) config.stopSequences = body.stop;
  else if (!absent(body.stop)) unsupported('stop must be a string or a list of strings');
  return Object.keys(config).length > 0 ? config : null;
}

/** The Converse input (without `modelId`, which is in the URL) for a chat request body. */
export function converseInput(body: JsonObject): JsonObject {
  checkFields(body);
  if (!Array.isArray(body.messages)) return unsupported('messages must be a list');
  const conv = conversation(body.messages);
  const out: JsonObject = { messages: conv.messages };
  if (conv.system.length > 0) out.system = conv.system;
  const inference = inferenceConfig(body);
  if (inference) out.inferenceConfig = inference;
  const tools = toolConfig(body, conv.hasToolBlocks);
  if (tools) out.toolConfig = tools;
  return out;
}

/** The upstream request for a chat completion: Converse, or ConverseStream when the client streams. */
export function chatRequest(input: CallInput<PlanProviderBedrock>): UpstreamRequest {
  const stream = input.body.stream === true;
  return {
    url: bedrockUrl(input.provider, input.model, stream ? 'converse-stream' : 'converse'),
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: stream ? 'application/vnd.amazon.eventstream' : 'application/json' },
    body: JSON.stringify(converseInput(input.body)),
  };
}
