/** OpenAI chat messages → Converse `system` blocks and strictly alternating user/assistant turns. */
import { isObject, type JsonObject } from '../../openai/types.ts';
import { absent, unsupported } from './input.ts';

/** A Converse message as JSON (blobs as base64 strings, as the SDK's JSON protocol sends them). */
export interface ConverseMessage {
  readonly role: 'user' | 'assistant';
  readonly content: JsonObject[];
}

/** The translated conversation. */
export interface Conversation {
  readonly system: JsonObject[];
  readonly messages: ConverseMessage[];
  /** The conversation holds toolUse or toolResult blocks (Converse then needs `toolConfig`). */
  readonly hasToolBlocks: boolean;
}

/** Image media types Converse takes, by the `format` it names them. */
const IMAGE_FORMATS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** Refusal for image URLs, also the conformance suite's expectation. */
export const IMAGE_URL_REFUSAL = 'Bedrock Converse takes images only as base64 data URLs (data:image/png;base64,…); image URLs are not supported';

function textOf(part: JsonObject, where: string): string {
  if ((part.type === 'text' || part.type === undefined) && typeof part.text === 'string') return part.text;
  if (part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal;
  return unsupported(`${where}: content part of type "${String(part.type)}" is not supported by Bedrock Converse here`);
}

/** Text blocks of a string or a list of text parts (blank text dropped: Converse refuses blank blocks). */
function textBlocks(content: unknown, where: string): JsonObject[] {
  if (absent(content)) return [];
  if (typeof content === 'string') return content.trim() === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) return unsupported(`${where}.content must be a string or a list of content parts`);
  return content.flatMap((part: unknown, i) => {
    if (!isObject(part)) return unsupported(`${where}.content[${i}] is not a content part`);
    const text = textOf(part, `${where}.content[${i}]`);
    return text.trim() === '' ? [] : [{ text }];
  });
}

function imageBlock(part: JsonObject, where: string): JsonObject {
  const image = part.image_url;
  const url = isObject(image) ? image.url : image;
  if (typeof url !== 'string') return unsupported(`${where}.image_url.url must be a string`);
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!m) return unsupported(`${where}: ${IMAGE_URL_REFUSAL}`);
  const format = IMAGE_FORMATS[m[1]!.toLowerCase()];
  if (!format) return unsupported(`${where}: image type ${m[1]} is not supported by Bedrock Converse (png, jpeg, gif, webp)`);
  return { image: { format, source: { bytes: m[2]!.replace(/\s+/g, '') } } };
}

function userBlocks(content: unknown, where: string): JsonObject[] {
  if (!Array.isArray(content)) return textBlocks(content, where);
  return content.flatMap((part: unknown, i) => {
    const at = `${where}.content[${i}]`;
    if (!isObject(part)) return unsupported(`${at} is not a content part`);
    if (part.type === 'image_url') return [imageBlock(part, at)];
    const text = textOf(part, at);
    return text.trim() === '' ? [] : [{ text }];
  });
}

function toolUseBlock(call: unknown, where: string): JsonObject {
  if (!isObject(call) || call.type !== 'function' || !isObject(call.function)) return unsupported(`${where}: only function tool calls are supported by Bedrock Converse`);
  const { id } = call;
  const { name, arguments: args } = call.function;
  if (typeof id !== 'string' || typeof name !== 'string') return unsupported(`${where} needs an id and a function name`);
  let input: unknown = {};
  if (typeof args === 'string' && args.trim() !== '') {
    try {
      input = JSON.parse(args);
    } catch {
      input = undefined;
    }
  }
  if (!isObject(input)) return unsupported(`${where}: the arguments of tool call ${id} must be a JSON object for Bedrock Converse`);
  return { toolUse: { toolUseId: id, name, input } };
}

function assistantBlocks(m: JsonObject, where: string): JsonObject[] {
  const blocks = textBlocks(m.content, where);
  if (!absent(m.tool_calls)) {
    if (!Array.isArray(m.tool_calls)) return unsupported(`${where}.tool_calls must be a list`);
    m.tool_calls.forEach((call: unknown, i) => blocks.push(toolUseBlock(call, `${where}.tool_calls[${i}]`)));
  }
  if (!absent(m.function_call)) unsupported(`${where}.function_call (the deprecated form) is not supported by Bedrock Converse; use tool_calls`);
  return blocks;
}

function toolResultBlock(m: JsonObject, where: string): JsonObject {
  if (typeof m.tool_call_id !== 'string') return unsupported(`${where} needs a tool_call_id`);
  const text = typeof m.content === 'string' ? m.content : textBlocks(m.content, where).map((b) => String(b.text)).join('');
  return { toolResult: { toolUseId: m.tool_call_id, content: [{ text }] } };
}

/**
 * Translates the client's `messages`: system and developer messages (all, in order) become
 * system blocks; consecutive turns of one role are merged; tool results are `toolResult` blocks
 * in a user turn. Images must be base64 data URLs (Converse cannot fetch URLs, and the gateway
 * never fetches them for it); they stay base64, as the SDK's JSON protocol sends them.
 */
export function conversation(messages: readonly unknown[]): Conversation {
  const system: JsonObject[] = [];
  const turns: ConverseMessage[] = [];
  let hasToolBlocks = false;
  const push = (role: ConverseMessage['role'], blocks: JsonObject[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  messages.forEach((m: unknown, i) => {
    const where = `messages[${i}]`;
    if (!isObject(m)) return unsupported(`${where} is not a message`);
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(m.content, where));
        return;
      case 'user':
        push('user', userBlocks(m.content, where));
        return;
      case 'assistant': {
        const blocks = assistantBlocks(m, where);
        hasToolBlocks ||= blocks.some((b) => 'toolUse' in b);
        push('assistant', blocks);
        return;
      }
      case 'tool':
        hasToolBlocks = true;
        push('user', [toolResultBlock(m, where)]);
        return;
      default:
        return unsupported(`${where}: role "${String(m.role)}" is not supported by Bedrock Converse`);
    }
  });
  return { system, messages: turns, hasToolBlocks };
}
