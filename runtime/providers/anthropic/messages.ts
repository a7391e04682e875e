/**
 * OpenAI chat messages to Anthropic's top-level `system` and strictly alternating
 * user/assistant turns: content parts to blocks, tool calls to `tool_use`, tool messages to
 * `tool_result`. Whatever cannot be expressed is refused, never dropped.
 * @module
 */
import { isObject, type JsonObject } from '../../openai/types.ts';
import { UnsupportedInput } from '../types.ts';
import type { Block } from './wire.ts';
import { merged } from '../../merged.ts';

/** One Anthropic conversation turn. */
export interface Turn {
  readonly role: 'user' | 'assistant';
  readonly content: string | Block[];
}

/** The conversation in Messages API form. */
export interface Conversation {
  /** Every system and developer message, in order, as text blocks (empty: no `system`). */
  readonly system: Block[];
  readonly messages: Turn[];
}

/** Image types the Messages API takes. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function refuse(message: string): never {
  throw new UnsupportedInput(message);
}

/** `block` with the part's `cache_control` marker, when it has one (prompt caching). */
function cached(block: Block, part: JsonObject): Block {
  if (part.cache_control === undefined || part.cache_control === null) return block;
  if (!isObject(part.cache_control)) refuse('"cache_control" must be an object such as {"type": "ephemeral"}');
  return merged(block, { cache_control: part.cache_control });
}

function textBlock(text: string, part: JsonObject | null = null): Block[] {
  // The Messages API refuses empty text blocks; an empty string says nothing.
  if (text === '') return [];
  return [part ? cached({ type: 'text', text }, part) : { type: 'text', text }];
}

/** `data:<type>;base64,<data>` split without copying or re-encoding the data. */
function dataUrl(url: string): { mediaType: string; data: string } | null {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) return null;
  const params = url.slice(5, comma).split(';');
  if (!params.slice(1).some((p) => p.toLowerCase() === 'base64')) return null;
  return { mediaType: (params[0] ?? '').toLowerCase(), data: url.slice(comma + 1) };
}

function imageBlock(part: JsonObject, where: string): Block {
  const ref = part.image_url;
  const url = typeof ref === 'string' ? ref : isObject(ref) && typeof ref.url === 'string' ? ref.url : null;
  if (url === null) refuse(`${where}: an image_url part needs "image_url": {"url": ...}`);
  if (url.startsWith('data:')) {
    const d = dataUrl(url);
    if (!d) refuse(`${where}: image data URLs must be base64 ("data:image/png;base64,...")`);
    if (!IMAGE_TYPES.has(d.mediaType)) refuse(`${where}: image type ${d.mediaType.slice(0, 40) || '(none)'} is not supported (jpeg, png, gif or webp)`);
    return cached({ type: 'image', source: { type: 'base64', media_type: d.mediaType, data: d.data } }, part);
  }
  if (!/^https?:\/\//i.test(url)) refuse(`${where}: images must be https URLs or base64 data URLs`);
  return cached({ type: 'image', source: { type: 'url', url } }, part);
}

function fileBlock(part: JsonObject, where: string): Block {
  const file = isObject(part.file) ? part.file : {};
  const d = typeof file.file_data === 'string' ? dataUrl(file.file_data) : null;
  if (!d || d.mediaType !== 'application/pdf') refuse(`${where}: only PDF files sent as base64 "file_data" are supported (no file ids)`);
  return cached({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: d.data } }, part);
}

/** Blocks of a user message's content. */
function userBlocks(content: unknown, where: string): Block[] {
  if (typeof content === 'string') return textBlock(content);
  if (!Array.isArray(content)) refuse(`${where}: "content" must be a string or a list of parts`);
  return content.flatMap((part: unknown): Block[] => {
    if (!isObject(part)) refuse(`${where}: every content part must be an object`);
    switch (part.type) {
      case 'text':
        if (typeof part.text !== 'string') refuse(`${where}: a text part needs "text"`);
        return textBlock(part.text, part);
      case 'image_url':
        return [imageBlock(part, where)];
      case 'file':
        return [fileBlock(part, where)];
      case 'input_audio':
        return refuse(`${where}: audio input is not supported`);
      default:
        return refuse(`${where}: content parts of type ${String(part.type).slice(0, 40)} are not supported`);
    }
  });
}

/** Text-only content (system, developer, assistant and tool messages). */
function textBlocks(content: unknown, where: string): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return textBlock(content);
  if (!Array.isArray(content)) refuse(`${where}: "content" must be a string or a list of text parts`);
  return content.flatMap((part: unknown): Block[] => {
    if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
      return refuse(`${where}: only text parts are supported here${isObject(part) && typeof part.type === 'string' ? ` (got ${part.type.slice(0, 40)})` : ''}`);
    }
    return textBlock(part.text, part);
  });
}

function toolUse(call: unknown, where: string): Block {
  if (!isObject(call) || !isObject(call.function) || typeof call.id !== 'string' || typeof call.function.name !== 'string') {
    return refuse(`${where}: every tool call needs "id" and "function": {"name", "arguments"}`);
  }
  if (call.type !== undefined && call.type !== 'function') refuse(`${where}: tool calls of type ${String(call.type).slice(0, 40)} are not supported`);
  const args = call.function.arguments;
  let input: unknown = {};
  // An argument-less call is sometimes sent with empty arguments.
  if (typeof args === 'string' && args.trim() !== '') {
    try {
      input = JSON.parse(args);
    } catch {
      return refuse(`${where}: the arguments of tool call ${call.id.slice(0, 64)} are not valid JSON`);
    }
  } else if (args !== undefined && args !== null && typeof args !== 'string') {
    return refuse(`${where}: tool call arguments must be a JSON string`);
  }
  if (!isObject(input)) refuse(`${where}: the arguments of tool call ${call.id.slice(0, 64)} must be a JSON object`);
  return cached({ type: 'tool_use', id: call.id, name: call.function.name, input }, call);
}

function assistantBlocks(m: JsonObject, where: string): Block[] {
  if (m.function_call !== undefined && m.function_call !== null) refuse(`${where}: "function_call" is not supported; use "tool_calls"`);
  if (m.audio !== undefined && m.audio !== null) refuse(`${where}: assistant audio is not supported`);
  // A refusal is what the assistant said: it goes back as assistant text.
  const content = Array.isArray(m.content) ? m.content.map((p: unknown) => (isObject(p) && p.type === 'refusal' && typeof p.refusal === 'string' ? { type: 'text', text: p.refusal } : p)) : m.content;
  const blocks = textBlocks(content, where);
  if (typeof m.refusal === 'string' && blocks.length === 0) blocks.push(...textBlock(m.refusal));
  if (m.tool_calls !== undefined && m.tool_calls !== null) {
    if (!Array.isArray(m.tool_calls)) refuse(`${where}: "tool_calls" must be a list`);
    blocks.push(...m.tool_calls.map((c: unknown) => toolUse(c, where)));
  }
  return blocks;
}

function toolResult(m: JsonObject, where: string): Block {
  if (typeof m.tool_call_id !== 'string') refuse(`${where}: a tool message needs "tool_call_id"`);
  const content = typeof m.content === 'string' ? m.content : textBlocks(m.content, where);
  return { type: 'tool_result', tool_use_id: m.tool_call_id, content };
}

/** The role and blocks of one non-system message. */
function turnOf(m: JsonObject, where: string): { role: Turn['role']; blocks: Block[] } {
  switch (m.role) {
    case 'user':
      return { role: 'user', blocks: userBlocks(m.content, where) };
    case 'assistant':
      return { role: 'assistant', blocks: assistantBlocks(m, where) };
    case 'tool':
      return { role: 'user', blocks: [toolResult(m, where)] };
    case 'function':
      return refuse(`${where}: "function" messages are not supported; use tool messages`);
    default:
      return refuse(`${where}: role ${String(m.role).slice(0, 40)} is not supported`);
  }
}

/**
 * A `cache_control` marker on a whole message (as some OpenAI-style clients send it) marks the
 * message's last block, where Anthropic caches the prefix up to and including that message.
 */
function markedLast(blocks: Block[], m: JsonObject): Block[] {
  if (m.cache_control === undefined || m.cache_control === null || blocks.length === 0) return blocks;
  return [...blocks.slice(0, -1), cached(blocks.at(-1)!, m)];
}

/** Anthropic wants the `tool_result` blocks of a user turn before anything else in it. */
function toolResultsFirst(blocks: Block[]): Block[] {
  const results = blocks.filter((b) => b.type === 'tool_result');
  return results.length === 0 || results.length === blocks.length ? blocks : [...results, ...blocks.filter((b) => b.type !== 'tool_result')];
}

/** A turn whose only block is plain text is sent as a string (the documented shorthand). */
function compact(blocks: Block[]): string | Block[] {
  const only = blocks.length === 1 ? blocks[0]! : null;
  return only && only.type === 'text' && Object.keys(only).length === 2 && typeof only.text === 'string' ? only.text : blocks;
}

/**
 * Converts OpenAI `messages`. System and developer messages, wherever they are, go to
 * `system` in order. Consecutive turns of one role (including the user turns a system
 * message separated) are merged, tool results first. Messages with no content are left
 * out (the Messages API refuses empty turns).
 */
export function convertMessages(messages: unknown): Conversation {
  if (!Array.isArray(messages)) refuse('"messages" must be a list');
  const system: Block[] = [];
  const turns: { role: Turn['role']; blocks: Block[] }[] = [];
  messages.forEach((m: unknown, i) => {
    const where = `messages[${i}]`;
    if (!isObject(m)) refuse(`${where} must be an object`);
    if (m.role === 'system' || m.role === 'developer') {
      system.push(...markedLast(textBlocks(m.content, where), m));
      return;
    }
    const { role, blocks: own } = turnOf(m, where);
    const blocks = markedLast(own, m);
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks: [...blocks] });
  });
  return { system, messages: turns.map((t) => ({ role: t.role, content: compact(t.role === 'user' ? toolResultsFirst(t.blocks) : t.blocks) })) };
}
