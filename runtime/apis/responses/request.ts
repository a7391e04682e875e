/**
 * OpenAI Responses requests → the canonical chat request. The gateway keeps no state, so
 * anything that refers to stored responses or items is refused, as are built-in tools; a
 * `null` field means its default, as in OpenAI's API.
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
} from '../messages/validate.ts';

/** A canonical content part. */
export type ChatPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

/** A canonical tool call on an assistant message. */
export type ChatToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };

/** A canonical chat message. */
export type ChatMessage =
  | { role: 'system' | 'user'; content: string | ChatPart[] }
  | { role: 'assistant'; content: string | ChatPart[] | null; refusal?: string; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string | ChatPart[] };

const TOP_LEVEL = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'text',
  'stream',
  'stream_options',
  'store',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'service_tier',
  'reasoning',
  'truncation',
  'include',
  'background',
]);

const MESSAGE_KEYS = new Set(['type', 'role', 'content', 'id', 'status', 'phase']);
const TEXT_PART_KEYS = new Set(['type', 'text']);
const IMAGE_PART_KEYS = new Set(['type', 'image_url', 'detail', 'file_id']);
const OUTPUT_TEXT_KEYS = new Set(['type', 'text', 'annotations', 'logprobs']);
const CALL_KEYS = new Set(['type', 'id', 'call_id', 'name', 'arguments', 'status']);
const CALL_OUTPUT_KEYS = new Set(['type', 'id', 'call_id', 'output', 'status']);
const TOOL_KEYS = new Set(['type', 'name', 'description', 'parameters', 'strict']);

const NO_STATE = 'the gateway keeps no responses or conversations; send the whole conversation in `input`.';

const REFUSED_TOP_LEVEL: Readonly<Record<string, string>> = {
  previous_response_id: NO_STATE,
  conversation: NO_STATE,
  prompt: 'stored prompt templates live at OpenAI; send the prompt text in `instructions` and `input`.',
  metadata: 'the gateway stores no responses to attach metadata to; use the x-sluice-metadata header for routing and logs.',
  max_tool_calls: 'it limits built-in tools, which the gateway does not run.',
  top_logprobs: 'log probabilities are not carried through the canonical chat answer.',
  context_management: 'server-side compaction needs stored state, which the gateway does not keep.',
  prompt_cache_options: 'explicit cache breakpoints have no canonical chat form.',
  prompt_cache_retention: 'cache retention has no canonical chat form.',
  moderation: 'moderated completions are OpenAI-only.',
};

/**
 * The canonical chat request for a Responses request body (throws GatewayError `invalid_request`).
 * `store` is accepted and ignored: nothing is stored whatever its value (OpenAI's default is
 * true, so refusing true would refuse most clients), and nothing can be retrieved later.
 */
export function responsesToChat(body: JsonObject): JsonObject {
  const b = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
  checkKeys(b, '', TOP_LEVEL, REFUSED_TOP_LEVEL);
  if (b.background !== undefined && booleanAt(b.background, 'background')) unsupported('background', 'background responses need stored state, which the gateway does not keep.');
  if (b.truncation !== undefined && stringAt(b.truncation, 'truncation') !== 'disabled') unsupported('truncation', "only 'disabled' (the default) can be honoured.");
  if (b.include !== undefined) {
    const include = arrayAt(b.include, 'include');
    if (include.length > 0) unsupported('include[0]', 'extra output data (built-in tool results, encrypted reasoning, logprobs) is not carried through the canonical chat answer.');
  }
  const chat: JsonObject = { model: nameAt(b.model, 'model') };
  const messages: ChatMessage[] = [];
  if (b.instructions !== undefined) messages.push({ role: 'system', content: stringAt(b.instructions, 'instructions') });
  if (b.input === undefined) refuse('input', 'this field is required: the gateway has no stored prompt to start from.');
  if (typeof b.input === 'string') messages.push({ role: 'user', content: b.input });
  else {
    const items = arrayAt(b.input, 'input');
    if (items.length === 0) refuse('input', 'at least one input item is required.');
    items.forEach((item, i) => addItem(messages, item, `input[${i}]`));
  }
  chat.messages = messages;
  if (b.max_output_tokens !== undefined) chat.max_tokens = integerAt(b.max_output_tokens, 'max_output_tokens', 1);
  if (b.temperature !== undefined) chat.temperature = numberAt(b.temperature, 'temperature');
  if (b.top_p !== undefined) chat.top_p = numberAt(b.top_p, 'top_p');
  if (b.tools !== undefined) chat.tools = arrayAt(b.tools, 'tools').map((t, i) => tool(t, `tools[${i}]`));
  if (b.tool_choice !== undefined) chat.tool_choice = toolChoice(b.tool_choice);
  if (b.parallel_tool_calls !== undefined) chat.parallel_tool_calls = booleanAt(b.parallel_tool_calls, 'parallel_tool_calls');
  if (b.text !== undefined) Object.assign(chat, textConfig(b.text));
  if (b.reasoning !== undefined) Object.assign(chat, reasoning(b.reasoning));
  for (const key of ['user', 'safety_identifier', 'prompt_cache_key', 'service_tier'] as const) {
    if (b[key] !== undefined) chat[key] = stringAt(b[key], key);
  }
  if (b.stream_options !== undefined) {
    // Obfuscation padding is optional for clients; the gateway never adds it.
    checkKeys(objectAt(b.stream_options, 'stream_options'), 'stream_options', new Set(['include_obfuscation']));
  }
  if (b.stream !== undefined) chat.stream = booleanAt(b.stream, 'stream');
  return chat;
}

/** Adds one input item to the conversation. */
function addItem(messages: ChatMessage[], value: unknown, at: string): void {
  const item = objectAt(value, at);
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  if (type === 'message') messages.push(message(item, at));
  else if (type === 'function_call') addFunctionCall(messages, item, at);
  else if (type === 'function_call_output') messages.push(functionCallOutput(item, at));
  else if (type === 'item_reference') unsupported(path(at, 'type'), 'the gateway keeps no items to refer to; send the item itself.');
  else if (type === 'reasoning') unsupported(path(at, 'type'), 'reasoning items cannot be expressed in the canonical chat request.');
  else if (typeof type === 'string') unsupported(path(at, 'type'), `'${type}' items belong to built-in tools or stored state, which the gateway does not have.`);
  else refuse(path(at, 'type'), 'expected a string.');
}

/** A message item; `developer` becomes `system` (the canonical request's instruction role). */
function message(item: JsonObject, at: string): ChatMessage {
  checkKeys(item, at, MESSAGE_KEYS);
  if (item.phase !== undefined && item.phase !== null) unsupported(path(at, 'phase'), 'message phases cannot be expressed in the canonical chat request.');
  const role = item.role;
  const cp = path(at, 'content');
  if (role === 'assistant') return assistantMessage(item.content, cp);
  if (role !== 'user' && role !== 'system' && role !== 'developer') return refuse(path(at, 'role'), "expected 'user', 'assistant', 'system' or 'developer'.");
  const chatRole = role === 'user' ? 'user' : 'system';
  if (typeof item.content === 'string') return { role: chatRole, content: item.content };
  const parts = arrayAt(item.content, cp).map((raw, i) => inputPart(raw, `${cp}[${i}]`, chatRole === 'user'));
  return { role: chatRole, content: parts };
}

/** An `input_text` or `input_image` part (images only where chat takes them: user messages). */
function inputPart(value: unknown, at: string, images: boolean): ChatPart {
  const part = objectAt(value, at);
  if (part.type === 'input_text') {
    checkKeys(part, at, TEXT_PART_KEYS);
    return { type: 'text', text: stringAt(part.text, path(at, 'text')) };
  }
  if (part.type === 'input_image') {
    if (!images) unsupported(path(at, 'type'), 'chat takes images in user messages only.');
    checkKeys(part, at, IMAGE_PART_KEYS);
    if (part.file_id !== undefined && part.file_id !== null) unsupported(path(at, 'file_id'), 'files uploaded to OpenAI cannot be sent to other providers; send the image as a URL or data URL.');
    const image: { url: string; detail?: string } = { url: nameAt(part.image_url, path(at, 'image_url')) };
    if (part.detail !== undefined && part.detail !== null) image.detail = stringAt(part.detail, path(at, 'detail'));
    return { type: 'image_url', image_url: image };
  }
  if (typeof part.type !== 'string') return refuse(path(at, 'type'), 'expected a string.');
  return unsupported(path(at, 'type'), `'${part.type}' parts cannot be expressed in the canonical chat request.`);
}

/** An assistant message: `output_text` (or `input_text`) parts are its text, a `refusal` part its refusal. */
function assistantMessage(content: unknown, cp: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const parts: ChatPart[] = [];
  let refusal: string | undefined;
  arrayAt(content, cp).forEach((raw, i) => {
    const at = `${cp}[${i}]`;
    const part = objectAt(raw, at);
    if (part.type === 'output_text' || part.type === 'input_text') {
      checkKeys(part, at, OUTPUT_TEXT_KEYS);
      parts.push({ type: 'text', text: stringAt(part.text, path(at, 'text')) });
    } else if (part.type === 'refusal') {
      checkKeys(part, at, new Set(['type', 'refusal']));
      refusal = (refusal ?? '') + stringAt(part.refusal, path(at, 'refusal'));
    } else if (typeof part.type === 'string') unsupported(path(at, 'type'), `'${part.type}' parts cannot be expressed in an assistant message of the canonical chat request.`);
    else refuse(path(at, 'type'), 'expected a string.');
  });
  return refusal === undefined ? { role: 'assistant', content: parts } : { role: 'assistant', content: parts.length > 0 ? parts : null, refusal };
}

/** A function call joins the assistant message right before it, or starts one. */
function addFunctionCall(messages: ChatMessage[], item: JsonObject, at: string): void {
  checkKeys(item, at, CALL_KEYS, { namespace: 'namespaced tools cannot be expressed in the canonical chat request.' });
  const call: ChatToolCall = {
    id: nameAt(item.call_id, path(at, 'call_id')),
    type: 'function',
    function: { name: nameAt(item.name, path(at, 'name')), arguments: stringAt(item.arguments, path(at, 'arguments')) },
  };
  const last = messages.at(-1);
  if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
  else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
}

/** A function call's output as a tool message (text only: chat tool messages carry no images or files). */
function functionCallOutput(item: JsonObject, at: string): ChatMessage {
  checkKeys(item, at, CALL_OUTPUT_KEYS);
  const id = nameAt(item.call_id, path(at, 'call_id'));
  const op = path(at, 'output');
  if (typeof item.output === 'string') return { role: 'tool', tool_call_id: id, content: item.output };
  const parts = arrayAt(item.output, op).map((raw, i): ChatPart => {
    const part = objectAt(raw, `${op}[${i}]`);
    if (part.type === 'input_text') {
      checkKeys(part, `${op}[${i}]`, TEXT_PART_KEYS);
      return { type: 'text', text: stringAt(part.text, `${op}[${i}].text`) };
    }
    if (typeof part.type !== 'string') return refuse(`${op}[${i}].type`, 'expected a string.');
    return unsupported(`${op}[${i}].type`, `chat tool messages carry text only; '${part.type}' cannot be expressed.`);
  });
  return { role: 'tool', tool_call_id: id, content: parts };
}

/** A flat function tool → a chat function tool; built-in tools are refused. */
function tool(value: unknown, at: string): JsonObject {
  const t = objectAt(value, at);
  if (t.type !== 'function') {
    const type = stringAt(t.type, path(at, 'type'));
    unsupported(path(at, 'type'), `'${type}' is a built-in OpenAI tool, which the gateway cannot run for other providers.`);
  }
  checkKeys(t, at, TOOL_KEYS);
  const fn: JsonObject = { name: nameAt(t.name, path(at, 'name')) };
  if (t.description !== undefined && t.description !== null) fn.description = stringAt(t.description, path(at, 'description'));
  if (t.parameters !== undefined && t.parameters !== null) fn.parameters = objectAt(t.parameters, path(at, 'parameters'));
  if (t.strict !== undefined && t.strict !== null) fn.strict = booleanAt(t.strict, path(at, 'strict'));
  return { type: 'function', function: fn };
}

/** `none` / `auto` / `required` stay; `{type: 'function', name}` names a chat function; hosted tool choices are refused. */
function toolChoice(value: unknown): string | JsonObject {
  if (value === 'none' || value === 'auto' || value === 'required') return value;
  if (typeof value === 'string') return refuse('tool_choice', "expected 'none', 'auto', 'required' or an object.");
  const c = objectAt(value, 'tool_choice');
  if (c.type !== 'function') {
    const type = stringAt(c.type, 'tool_choice.type');
    return unsupported('tool_choice.type', `'${type}' tool choices cannot be expressed in the canonical chat request.`);
  }
  checkKeys(c, 'tool_choice', new Set(['type', 'name']));
  return { type: 'function', function: { name: nameAt(c.name, 'tool_choice.name') } };
}

/** `text.format` → `response_format` (`text` is the default and adds nothing); `text.verbosity` → `verbosity`. */
function textConfig(value: unknown): JsonObject {
  const t = objectAt(value, 'text');
  checkKeys(t, 'text', new Set(['format', 'verbosity']));
  const out: JsonObject = {};
  if (t.verbosity !== undefined && t.verbosity !== null) out.verbosity = stringAt(t.verbosity, 'text.verbosity');
  if (t.format === undefined || t.format === null) return out;
  const f = objectAt(t.format, 'text.format');
  if (f.type === 'text') checkKeys(f, 'text.format', new Set(['type']));
  else if (f.type === 'json_object') {
    checkKeys(f, 'text.format', new Set(['type']));
    out.response_format = { type: 'json_object' };
  } else if (f.type === 'json_schema') {
    checkKeys(f, 'text.format', new Set(['type', 'name', 'schema', 'description', 'strict']));
    const schema: JsonObject = { name: nameAt(f.name, 'text.format.name'), schema: objectAt(f.schema, 'text.format.schema') };
    if (f.description !== undefined && f.description !== null) schema.description = stringAt(f.description, 'text.format.description');
    if (f.strict !== undefined && f.strict !== null) schema.strict = booleanAt(f.strict, 'text.format.strict');
    out.response_format = { type: 'json_schema', json_schema: schema };
  } else refuse('text.format.type', "expected 'text', 'json_object' or 'json_schema'.");
  return out;
}

/** `reasoning.effort` → `reasoning_effort`; summaries and other reasoning options have no chat form. */
function reasoning(value: unknown): JsonObject {
  const r = Object.fromEntries(Object.entries(objectAt(value, 'reasoning')).filter(([, v]) => v !== null));
  const why = 'reasoning summaries and modes are not carried through the canonical chat answer.';
  checkKeys(r, 'reasoning', new Set(['effort']), { summary: why, generate_summary: why, mode: why, context: why });
  return r.effort === undefined ? {} : { reasoning_effort: stringAt(r.effort, 'reasoning.effort') };
}

