/**
 * Anthropic Messages requests → the canonical chat request. Everything the chat request can
 * express is translated; everything else is refused with the exact `param`, never dropped.
 * @module
 */
import type { JsonObject } from '../../openai/types.ts';
import {
  arrayAt,
  booleanAt,
  checkKeys,
  integerAt,
  nameAt,
  numberAt,
  objectAt,
  path,
  refuse,
  stringAt,
  unsupported,
} from './validate.ts';
import { merged } from '../../merged.ts';

/** A canonical content part; `cache_control` is kept where the client put it (the Anthropic adapter sends it back). */
export type ChatPart =
  | { type: 'text'; text: string; cache_control?: JsonObject }
  | { type: 'image_url'; image_url: { url: string }; cache_control?: JsonObject };

/** A canonical tool call on an assistant message. */
export type ChatToolCall = { id: string; type: 'function'; function: { name: string; arguments: string }; cache_control?: JsonObject };

/** A canonical chat message. */
export type ChatMessage =
  | { role: 'system' | 'user'; content: string | ChatPart[] }
  | { role: 'assistant'; content: string | ChatPart[] | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string | ChatPart[] };

const TOP_LEVEL = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'metadata',
  'stream',
  'tools',
  'tool_choice',
  'output_config',
]);

const REFUSED_TOP_LEVEL: Readonly<Record<string, string>> = {
  thinking: 'extended thinking cannot be expressed in the canonical chat request.',
  container: 'containers belong to Anthropic server tools, which the gateway does not run.',
  mcp_servers: 'MCP connectors run inside Anthropic; the gateway cannot call them for other providers.',
  cache_control: 'automatic caching has no canonical form; put cache_control on the content blocks instead.',
  context_management: 'server-side context management is Anthropic-only.',
  service_tier: 'capacity tiers are chosen by the gateway route, not the request.',
  inference_geo: 'the inference region is chosen by the gateway route, not the request.',
};

const MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const MESSAGE_KEYS = new Set(['role', 'content']);
const TEXT_KEYS = new Set(['type', 'text', 'cache_control', 'citations']);
const IMAGE_KEYS = new Set(['type', 'source', 'cache_control']);
const TOOL_USE_KEYS = new Set(['type', 'id', 'name', 'input', 'cache_control']);
const TOOL_RESULT_KEYS = new Set(['type', 'tool_use_id', 'content', 'is_error', 'cache_control']);
const TOOL_KEYS = new Set(['type', 'name', 'description', 'input_schema', 'cache_control', 'strict']);

/** The canonical chat request for an Anthropic Messages request body (throws GatewayError `invalid_request`). */
export function messagesToChat(body: JsonObject): JsonObject {
  checkKeys(body, '', TOP_LEVEL, REFUSED_TOP_LEVEL);
  const chat: JsonObject = { model: nameAt(body.model, 'model') };
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) messages.push(systemMessage(body.system, 'system'));
  const list = arrayAt(body.messages, 'messages');
  if (list.length === 0) refuse('messages', 'at least one message is required.');
  list.forEach((m, i) => messages.push(...message(m, `messages[${i}]`)));
  chat.messages = messages;
  if (body.max_tokens === undefined) refuse('max_tokens', 'this field is required by the Messages API.');
  chat.max_tokens = integerAt(body.max_tokens, 'max_tokens', 1);
  if (body.stop_sequences !== undefined) chat.stop = arrayAt(body.stop_sequences, 'stop_sequences').map((s, i) => stringAt(s, `stop_sequences[${i}]`));
  if (body.temperature !== undefined) chat.temperature = numberAt(body.temperature, 'temperature');
  if (body.top_p !== undefined) chat.top_p = numberAt(body.top_p, 'top_p');
  if (body.top_k !== undefined) chat.top_k = integerAt(body.top_k, 'top_k', 0);
  if (body.metadata !== undefined) Object.assign(chat, metadata(body.metadata));
  if (body.tools !== undefined) chat.tools = arrayAt(body.tools, 'tools').map((t, i) => tool(t, `tools[${i}]`));
  if (body.tool_choice !== undefined) Object.assign(chat, toolChoice(body.tool_choice));
  if (body.output_config !== undefined) Object.assign(chat, outputConfig(body.output_config));
  if (body.stream !== undefined) chat.stream = booleanAt(body.stream, 'stream');
  return chat;
}

/** `system` (top level, or a `system` message): a string, or text blocks that keep their cache_control. */
function systemMessage(value: unknown, param: string): ChatMessage {
  if (typeof value === 'string') return { role: 'system', content: value };
  const blocks = arrayAt(value, param);
  return { role: 'system', content: blocks.map((b, i) => textBlock(b, `${param}[${i}]`)) };
}

function message(value: unknown, param: string): ChatMessage[] {
  const m = objectAt(value, param);
  checkKeys(m, param, MESSAGE_KEYS);
  const role = m.role;
  const content = path(param, 'content');
  if (m.content === undefined) refuse(content, 'this field is required.');
  if (role === 'system') return [systemMessage(m.content, content)];
  if (role === 'user') return userMessages(m.content, content);
  if (role === 'assistant') return [assistantMessage(m.content, content)];
  return refuse(path(param, 'role'), "expected 'user', 'assistant' or 'system'.");
}

/** A user turn: its tool results become tool messages (first, as Anthropic requires), the rest one user message. */
function userMessages(value: unknown, param: string): ChatMessage[] {
  if (typeof value === 'string') return [{ role: 'user', content: value }];
  const out: ChatMessage[] = [];
  const parts: ChatPart[] = [];
  const blocks = arrayAt(value, param);
  if (blocks.length === 0) refuse(param, 'a user message needs at least one content block.');
  blocks.forEach((raw, i) => {
    const at = `${param}[${i}]`;
    const block = objectAt(raw, at);
    const type = block.type;
    if (type === 'tool_result') {
      if (parts.length > 0) refuse(at, 'tool_result blocks must come before any other content in a user message.');
      out.push(toolResult(block, at));
    } else if (type === 'text') parts.push(textBlock(block, at));
    else if (type === 'image') parts.push(imageBlock(block, at));
    else blockType(type, at, 'a user message');
  });
  if (parts.length > 0) out.push({ role: 'user', content: parts });
  return out;
}

/** An assistant turn: text blocks are its content, tool_use blocks its tool calls. */
function assistantMessage(value: unknown, param: string): ChatMessage {
  if (typeof value === 'string') return { role: 'assistant', content: value };
  const parts: ChatPart[] = [];
  const calls: ChatToolCall[] = [];
  arrayAt(value, param).forEach((raw, i) => {
    const at = `${param}[${i}]`;
    const block = objectAt(raw, at);
    if (block.type === 'text') parts.push(textBlock(block, at));
    else if (block.type === 'tool_use') calls.push(toolUse(block, at));
    else blockType(block.type, at, 'an assistant message');
  });
  if (calls.length === 0) return { role: 'assistant', content: parts };
  return { role: 'assistant', content: parts.length > 0 ? parts : null, tool_calls: calls };
}

/** Refuses a block type that has no place in the chat request. */
function blockType(type: unknown, at: string, where: string): never {
  const param = path(at, 'type');
  if (typeof type !== 'string') return refuse(param, 'expected a string.');
  if (type === 'thinking' || type === 'redacted_thinking') unsupported(param, 'thinking blocks cannot be expressed in the canonical chat request.');
  return unsupported(param, `'${type}' blocks cannot be expressed in ${where} of the canonical chat request.`);
}

function cacheControl(block: JsonObject, at: string): { cache_control?: JsonObject } {
  if (block.cache_control === undefined || block.cache_control === null) return {};
  return { cache_control: objectAt(block.cache_control, path(at, 'cache_control')) };
}

function textBlock(value: unknown, at: string): ChatPart {
  const block = objectAt(value, at);
  if (block.type !== 'text') refuse(path(at, 'type'), "expected 'text'.");
  checkKeys(block, at, TEXT_KEYS);
  if (block.citations !== undefined && block.citations !== null && arrayAt(block.citations, path(at, 'citations')).length > 0) {
    unsupported(path(at, 'citations'), 'citations cannot be expressed in the canonical chat request.');
  }
  return { type: 'text', text: stringAt(block.text, path(at, 'text')), ...cacheControl(block, at) };
}

/** An image: base64 sources become data URLs, URL sources stay URLs. */
function imageBlock(block: JsonObject, at: string): ChatPart {
  checkKeys(block, at, IMAGE_KEYS);
  const sp = path(at, 'source');
  const source = objectAt(block.source, sp);
  let url: string;
  if (source.type === 'base64') {
    checkKeys(source, sp, new Set(['type', 'media_type', 'data']));
    const mediaType = stringAt(source.media_type, path(sp, 'media_type'));
    if (!MEDIA_TYPES.has(mediaType)) refuse(path(sp, 'media_type'), "expected 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'.");
    url = `data:${mediaType};base64,${stringAt(source.data, path(sp, 'data'))}`;
  } else if (source.type === 'url') {
    checkKeys(source, sp, new Set(['type', 'url']));
    url = nameAt(source.url, path(sp, 'url'));
  } else if (source.type === 'file') {
    return unsupported(path(sp, 'type'), 'files uploaded to Anthropic cannot be sent to other providers; send the image as base64 or a URL.');
  } else {
    return refuse(path(sp, 'type'), "expected 'base64' or 'url'.");
  }
  return { type: 'image_url', image_url: { url }, ...cacheControl(block, at) };
}

function toolUse(block: JsonObject, at: string): ChatToolCall {
  checkKeys(block, at, TOOL_USE_KEYS);
  const input = objectAt(block.input, path(at, 'input'));
  return {
    id: nameAt(block.id, path(at, 'id')),
    type: 'function',
    function: { name: nameAt(block.name, path(at, 'name')), arguments: JSON.stringify(input) },
    ...cacheControl(block, at),
  };
}

/**
 * A tool result as a tool message. Text content is kept as text parts (with their
 * cache_control); the block's own cache_control goes on the last part. `is_error: true` puts
 * "Error: " before the text, since chat tool messages have no error flag.
 */
function toolResult(block: JsonObject, at: string): ChatMessage {
  checkKeys(block, at, TOOL_RESULT_KEYS);
  const id = nameAt(block.tool_use_id, path(at, 'tool_use_id'));
  const isError = block.is_error === undefined ? false : booleanAt(block.is_error, path(at, 'is_error'));
  const cp = path(at, 'content');
  let parts: ChatPart[];
  if (block.content === undefined) parts = [{ type: 'text', text: '' }];
  else if (typeof block.content === 'string') parts = [{ type: 'text', text: block.content }];
  else {
    parts = arrayAt(block.content, cp).map((raw, i) => {
      const inner = objectAt(raw, `${cp}[${i}]`);
      if (inner.type === 'text') return textBlock(inner, `${cp}[${i}]`);
      if (inner.type === 'image') unsupported(`${cp}[${i}].type`, 'chat tool messages carry text only; an image in a tool result cannot be expressed.');
      return blockType(inner.type, `${cp}[${i}]`, 'a tool result');
    });
    if (parts.length === 0) parts = [{ type: 'text', text: '' }];
  }
  const first = parts[0];
  if (isError && first?.type === 'text') parts[0] = merged(first, { text: first.text === '' ? 'Error' : `Error: ${first.text}` });
  const cache = cacheControl(block, at);
  const last = parts.length - 1;
  const lastPart = parts[last];
  if (cache.cache_control && lastPart) parts[last] = merged(lastPart, { cache_control: cache.cache_control });
  const only = parts.length === 1 ? parts[0] : undefined;
  return { role: 'tool', tool_call_id: id, content: only?.type === 'text' && only.cache_control === undefined ? only.text : parts };
}

/** A custom tool as a chat function tool (`input_schema` → `parameters`); server tools are refused. */
function tool(value: unknown, at: string): JsonObject {
  const t = objectAt(value, at);
  if (t.type !== undefined && t.type !== null && t.type !== 'custom') {
    const type = stringAt(t.type, path(at, 'type'));
    unsupported(path(at, 'type'), `'${type}' is an Anthropic server tool, which the gateway cannot run for other providers.`);
  }
  checkKeys(t, at, TOOL_KEYS);
  const fn: JsonObject = { name: nameAt(t.name, path(at, 'name')) };
  if (t.description !== undefined) fn.description = stringAt(t.description, path(at, 'description'));
  fn.parameters = objectAt(t.input_schema, path(at, 'input_schema'));
  if (t.strict !== undefined) fn.strict = booleanAt(t.strict, path(at, 'strict'));
  return { type: 'function', function: fn, ...cacheControl(t, at) };
}

/** `auto` → `auto`, `any` → `required`, `tool` → that function, `none` → `none`; `disable_parallel_tool_use` → `parallel_tool_calls: false`. */
function toolChoice(value: unknown): JsonObject {
  const c = objectAt(value, 'tool_choice');
  const out: JsonObject = {};
  if (c.type === 'none') checkKeys(c, 'tool_choice', new Set(['type']));
  else checkKeys(c, 'tool_choice', new Set(['type', 'name', 'disable_parallel_tool_use']));
  if (c.type === 'auto') out.tool_choice = 'auto';
  else if (c.type === 'any') out.tool_choice = 'required';
  else if (c.type === 'none') out.tool_choice = 'none';
  else if (c.type === 'tool') out.tool_choice = { type: 'function', function: { name: nameAt(c.name, 'tool_choice.name') } };
  else refuse('tool_choice.type', "expected 'auto', 'any', 'tool' or 'none'.");
  if (c.type !== 'tool' && c.name !== undefined) refuse('tool_choice.name', "only a tool_choice of type 'tool' names a tool.");
  if (c.disable_parallel_tool_use !== undefined && booleanAt(c.disable_parallel_tool_use, 'tool_choice.disable_parallel_tool_use')) {
    out.parallel_tool_calls = false;
  }
  return out;
}

/** `metadata.user_id` → `user`. */
function metadata(value: unknown): JsonObject {
  const m = objectAt(value, 'metadata');
  checkKeys(m, 'metadata', new Set(['user_id']));
  if (m.user_id === undefined || m.user_id === null) return {};
  return { user: stringAt(m.user_id, 'metadata.user_id') };
}

/** `output_config.format` (a JSON schema) → `response_format` json_schema, strict as Anthropic's structured outputs are. */
function outputConfig(value: unknown): JsonObject {
  const o = objectAt(value, 'output_config');
  checkKeys(o, 'output_config', new Set(['format']), { effort: 'effort levels have no canonical chat form.' });
  if (o.format === undefined || o.format === null) return {};
  const f = objectAt(o.format, 'output_config.format');
  checkKeys(f, 'output_config.format', new Set(['type', 'schema']));
  if (f.type !== 'json_schema') refuse('output_config.format.type', "expected 'json_schema'.");
  const schema = objectAt(f.schema, 'output_config.format.schema');
  return { response_format: { type: 'json_schema', json_schema: { name: 'output', schema, strict: true } } };
}
