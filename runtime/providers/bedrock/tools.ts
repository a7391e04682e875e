/** OpenAI `tools` and `tool_choice` → Converse `toolConfig`. */
import { isObject, type JsonObject } from '../../openai/types.ts';
import { absent, unsupported } from './input.ts';

const EMPTY_SCHEMA = { type: 'object', properties: {} };

function toolSpec(tool: unknown, i: number): JsonObject {
  const where = `tools[${i}]`;
  if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function)) return unsupported(`${where}: only function tools are supported by Bedrock Converse`);
  const f = tool.function;
  if (typeof f.name !== 'string') return unsupported(`${where}.function.name must be a string`);
  if (!absent(f.parameters) && !isObject(f.parameters)) return unsupported(`${where}.function.parameters must be a JSON Schema object`);
  const spec: JsonObject = { name: f.name };
  if (typeof f.description === 'string') spec.description = f.description;
  spec.inputSchema = { json: isObject(f.parameters) ? f.parameters : EMPTY_SCHEMA };
  if (typeof f.strict === 'boolean') spec.strict = f.strict;
  return { toolSpec: spec };
}

function toolChoice(choice: unknown): JsonObject | null {
  if (absent(choice)) return null;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') return { tool: { name: choice.function.name } };
  return unsupported('tool_choice must be "auto", "required", "none" or a named function for Bedrock Converse');
}

/** The `toolConfig` for a request, or null when it has none. */
export function toolConfig(body: JsonObject, hasToolBlocks: boolean): JsonObject | null {
  const choice = body.tool_choice;
  const tools = absent(body.tools) ? [] : body.tools;
  if (!Array.isArray(tools)) return unsupported('tools must be a list');
  if (tools.length === 0) {
    if (hasToolBlocks) return unsupported('Bedrock Converse needs the "tools" definitions when the conversation holds tool calls or tool results');
    if (!absent(choice) && choice !== 'none' && choice !== 'auto') return unsupported('tool_choice needs "tools"');
    return null;
  }
  if (choice === 'none') {
    if (hasToolBlocks) return unsupported('tool_choice "none" cannot be expressed on Bedrock Converse when the conversation holds tool calls (Converse then needs the tools, and has no "none"); leave tool_choice out');
    return null;
  }
  const config: JsonObject = { tools: tools.map(toolSpec) };
  const c = toolChoice(choice);
  if (c) config.toolChoice = c;
  return config;
}
