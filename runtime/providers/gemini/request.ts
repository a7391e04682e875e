/**
 * OpenAI chat completion requests to Gemini `generateContent` requests: messages to
 * `contents` (roles merged, tool results matched to their calls by name) and
 * `systemInstruction`, parameters to `generationConfig`, tools to `functionDeclarations`.
 * @module
 */
import type { UpstreamRequest } from '../../http/types.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import type { PlanProviderGemini } from '../../plan.ts';
import { UnsupportedInput, type CallInput } from '../types.ts';
import { functionParameters, toGeminiSchema } from './schema.ts';
import { merged } from '../../merged.ts';

/** Request parameters that are translated. */
const TRANSLATED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'n',
  'presence_penalty', 'frequency_penalty', 'seed', 'response_format', 'tools', 'tool_choice', 'parallel_tool_calls', 'modalities',
]);
/** Parameters with no effect on what the model writes (bookkeeping for OpenAI), left out on purpose. */
const IGNORED = new Set(['user', 'store', 'metadata', 'safety_identifier', 'prompt_cache_key', 'service_tier']);
/** A model id or resource segment: nothing that could leave the `models/` collection. */
const MODEL_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Image types the Gemini API reads, by file extension, for https URLs (which need a MIME type). */
const IMAGE_TYPES: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', heic: 'image/heic', heif: 'image/heif' };

type Role = 'user' | 'model';
interface Turn {
  role: Role;
  parts: JsonObject[];
}

/**
 * The model's resource name: `models/<id>` (a `models/` or `tunedModels/` prefix the spec
 * gives is kept). Ids are checked so a client-chosen model (`*` targets) cannot reach another
 * path of the API with the gateway's key.
 */
export function modelResource(model: string): string {
  const m = /^(models|tunedModels)\/(.+)$/.exec(model);
  const [collection, id] = m ? [m[1]!, m[2]!] : ['models', model];
  if (!MODEL_SEGMENT.test(id)) throw new UnsupportedInput(`"${model.slice(0, 100)}" is not a Gemini model id`);
  return `${collection}/${id}`;
}

/** Headers of every Gemini call: the key goes in `x-goog-api-key`, never in the URL. */
export function geminiHeaders(apiKey: string | null, extra: Readonly<Record<string, string>>, accept: string): Record<string, string> {
  const h: Record<string, string> = merged(extra, { 'content-type': 'application/json', accept });
  if (apiKey !== null) h['x-goog-api-key'] = apiKey;
  return h;
}

/** Builds the upstream request of a chat completion (`:generateContent`, or `:streamGenerateContent?alt=sse`). */
export function chatRequest(input: CallInput<PlanProviderGemini>): UpstreamRequest {
  const stream = input.body.stream === true;
  const action = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return {
    url: `${input.provider.baseUrl}/${modelResource(input.model)}:${action}`,
    method: 'POST',
    headers: geminiHeaders(input.apiKey, input.headers, stream ? 'text/event-stream' : 'application/json'),
    body: JSON.stringify(generateContentBody(input.body)),
  };
}

/** Absent or null: OpenAI treats null as "not set". */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** The `GenerateContentRequest` body for an OpenAI chat completion body. */
export function generateContentBody(body: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(body)) {
    if (TRANSLATED.has(k) || IGNORED.has(k) || !given(v)) continue;
    throw new UnsupportedInput(`the parameter "${k}" cannot be sent to Gemini`);
  }
  if (body.parallel_tool_calls === false) throw new UnsupportedInput('"parallel_tool_calls": false cannot be enforced on Gemini');
  if (given(body.modalities) && !(Array.isArray(body.modalities) && body.modalities.every((m) => m === 'text'))) {
    throw new UnsupportedInput('Gemini answers here in text only ("modalities")');
  }
  if (!Array.isArray(body.messages)) throw new UnsupportedInput('"messages" must be a list');
  const { contents, system } = conversation(body.messages);
  const out: JsonObject = { contents };
  if (system.length > 0) out.systemInstruction = { parts: system };
  const tools = toolsOf(body.tools);
  if (tools !== null) out.tools = tools;
  const toolConfig = toolConfigOf(body.tool_choice, tools !== null);
  if (toolConfig !== null) out.toolConfig = toolConfig;
  const config = generationConfig(body);
  if (Object.keys(config).length > 0) out.generationConfig = config;
  return out;
}

/** `generationConfig` from the sampling, length, stop, choice-count and format parameters. */
function generationConfig(body: JsonObject): JsonObject {
  const c: JsonObject = {};
  if (given(body.temperature)) c.temperature = body.temperature;
  if (given(body.top_p)) c.topP = body.top_p;
  const max = given(body.max_completion_tokens) ? body.max_completion_tokens : body.max_tokens;
  if (given(max)) c.maxOutputTokens = max;
  if (typeof body.stop === 'string') c.stopSequences = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length > 0) c.stopSequences = body.stop;
  if (given(body.n) && body.n !== 1) {
    if (body.stream === true) throw new UnsupportedInput('"n" above 1 cannot be streamed from Gemini');
    c.candidateCount = body.n;
  }
  if (given(body.presence_penalty)) c.presencePenalty = body.presence_penalty;
  if (given(body.frequency_penalty)) c.frequencyPenalty = body.frequency_penalty;
  if (given(body.seed)) c.seed = body.seed;
  Object.assign(c, responseFormat(body.response_format));
  return c;
}

/** `response_format` → `responseMimeType` (+ `responseSchema` for json_schema). */
function responseFormat(format: unknown): JsonObject {
  if (!given(format)) return {};
  if (!isObject(format)) throw new UnsupportedInput('"response_format" must be an object');
  if (format.type === 'text') return {};
  if (format.type === 'json_object') return { responseMimeType: 'application/json' };
  if (format.type === 'json_schema' && isObject(format.json_schema)) {
    const js = format.json_schema;
    const name = typeof js.name === 'string' ? js.name : 'schema';
    if (!given(js.schema)) return { responseMimeType: 'application/json' };
    return { responseMimeType: 'application/json', responseSchema: toGeminiSchema(js.schema, `response_format "${name}"`) };
  }
  throw new UnsupportedInput(`the response_format type ${JSON.stringify(format.type)} cannot be sent to Gemini`);
}

/** `tools` → one Tool with every function declaration. */
function toolsOf(tools: unknown): JsonObject[] | null {
  if (!given(tools)) return null;
  if (!Array.isArray(tools)) throw new UnsupportedInput('"tools" must be a list');
  if (tools.length === 0) return null;
  const declarations = tools.map((t, i) => {
    if (!isObject(t) || t.type !== 'function' || !isObject(t.function)) {
      throw new UnsupportedInput(`tool ${i}: only function tools can be sent to Gemini`);
    }
    const f = t.function;
    if (typeof f.name !== 'string' || f.name === '') throw new UnsupportedInput(`tool ${i}: a function needs a name`);
    const decl: JsonObject = { name: f.name };
    if (typeof f.description === 'string') decl.description = f.description;
    const params = functionParameters(f.parameters, f.name);
    if (params !== null) decl.parameters = params;
    return decl;
  });
  return [{ functionDeclarations: declarations }];
}

/** `tool_choice` → `toolConfig.functionCallingConfig`. */
function toolConfigOf(choice: unknown, hasTools: boolean): JsonObject | null {
  if (!given(choice)) return null;
  const config = (mode: string, names?: string[]): JsonObject => ({ functionCallingConfig: names ? { mode, allowedFunctionNames: names } : { mode } });
  if (!hasTools) {
    if (choice === 'none' || choice === 'auto') return null;
    throw new UnsupportedInput('"tool_choice" asks for a tool, but the request has no tools');
  }
  if (choice === 'auto') return config('AUTO');
  if (choice === 'none') return config('NONE');
  if (choice === 'required') return config('ANY');
  if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') {
    return config('ANY', [choice.function.name]);
  }
  if (isObject(choice) && choice.type === 'allowed_tools' && isObject(choice.allowed_tools)) {
    const at = choice.allowed_tools;
    const names = Array.isArray(at.tools) ? at.tools.map((t) => (isObject(t) && isObject(t.function) && typeof t.function.name === 'string' ? t.function.name : null)) : [];
    if (at.mode === 'required' && names.length > 0 && names.every((n) => n !== null)) return config('ANY', names as string[]);
    throw new UnsupportedInput('"tool_choice" allowed_tools can be sent to Gemini only with mode "required" and function tools');
  }
  throw new UnsupportedInput(`the tool_choice ${JSON.stringify(choice).slice(0, 100)} cannot be sent to Gemini`);
}

/** Messages → `contents` (consecutive same-role turns merged) and the system instruction parts (every system message, in order). */
export function conversation(messages: readonly unknown[]): { contents: JsonObject[]; system: JsonObject[] } {
  const turns: Turn[] = [];
  const system: JsonObject[] = [];
  /** tool_call_id → function name, from the assistant messages so far. */
  const callNames = new Map<string, string>();
  const add = (role: Role, parts: JsonObject[]): void => {
    if (parts.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else turns.push({ role, parts });
  };
  messages.forEach((m, i) => {
    if (!isObject(m) || typeof m.role !== 'string') throw new UnsupportedInput(`message ${i} has no role`);
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...textParts(m.content, i));
        break;
      case 'user':
        add('user', userParts(m.content, i));
        break;
      case 'assistant':
        add('model', [...textParts(m.content, i), ...callParts(m, i, callNames)]);
        break;
      case 'tool':
        add('user', [toolResult(m, i, callNames)]);
        break;
      default:
        throw new UnsupportedInput(`message ${i}: the role "${m.role.slice(0, 40)}" cannot be sent to Gemini`);
    }
  });
  return { contents: turns.map((t) => ({ role: t.role, parts: t.parts })), system };
}

/** Text of a system or assistant message: a string, or text (and refusal) parts. */
function textParts(content: unknown, i: number): JsonObject[] {
  if (!given(content)) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw new UnsupportedInput(`message ${i}: content must be text or a list of parts`);
  return content.flatMap((p): JsonObject[] => {
    if (isObject(p) && p.type === 'text' && typeof p.text === 'string') return p.text === '' ? [] : [{ text: p.text }];
    if (isObject(p) && p.type === 'refusal' && typeof p.refusal === 'string') return [{ text: p.refusal }];
    throw new UnsupportedInput(`message ${i}: only text parts can be sent to Gemini in this message`);
  });
}

/** Parts of a user message: text, images, audio and files as data. */
function userParts(content: unknown, i: number): JsonObject[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw new UnsupportedInput(`message ${i}: content must be text or a list of parts`);
  return content.flatMap((p): JsonObject[] => {
    if (!isObject(p)) throw new UnsupportedInput(`message ${i}: a content part is not an object`);
    switch (p.type) {
      case 'text':
        return typeof p.text === 'string' && p.text !== '' ? [{ text: p.text }] : [];
      case 'image_url':
        return [imagePart(isObject(p.image_url) ? p.image_url.url : undefined, i)];
      case 'input_audio': {
        const a = isObject(p.input_audio) ? p.input_audio : {};
        if (typeof a.data !== 'string' || (a.format !== 'wav' && a.format !== 'mp3')) throw new UnsupportedInput(`message ${i}: input_audio needs base64 data in wav or mp3`);
        return [{ inlineData: { mimeType: a.format === 'wav' ? 'audio/wav' : 'audio/mp3', data: a.data } }];
      }
      case 'file': {
        const f = isObject(p.file) ? p.file : {};
        const data = typeof f.file_data === 'string' ? dataUrl(f.file_data) : null;
        if (data === null) throw new UnsupportedInput(`message ${i}: a file part can be sent to Gemini only as base64 file_data (a data: URL), not by file_id`);
        return [{ inlineData: data }];
      }
      default:
        throw new UnsupportedInput(`message ${i}: the content part type ${JSON.stringify(p.type)} cannot be sent to Gemini`);
    }
  });
}

/** `{ mimeType, data }` of a base64 data URL, null for anything else. */
function dataUrl(url: string): { mimeType: string; data: string } | null {
  const m = /^data:([\w.+-]+\/[\w.+-]+)(?:;[\w-]+=[^;,]*)*;base64,(.*)$/s.exec(url);
  return m ? { mimeType: m[1]!.toLowerCase(), data: m[2]! } : null;
}

/**
 * An image: a base64 data URL → `inlineData`; an https URL → `fileData` (the Gemini API
 * fetches public and signed https URLs itself; it needs a MIME type, taken from the file
 * extension).
 */
function imagePart(url: unknown, i: number): JsonObject {
  if (typeof url !== 'string') throw new UnsupportedInput(`message ${i}: image_url needs a url`);
  if (url.startsWith('data:')) {
    const data = dataUrl(url);
    if (data === null) throw new UnsupportedInput(`message ${i}: an image data URL must be base64`);
    return { inlineData: data };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsupportedInput(`message ${i}: the image URL is not a URL`);
  }
  if (parsed.protocol !== 'https:') throw new UnsupportedInput(`message ${i}: Gemini fetches images only from https URLs (or send a base64 data URL)`);
  const ext = /\.([A-Za-z0-9]+)$/.exec(parsed.pathname)?.[1]?.toLowerCase();
  const mimeType = ext !== undefined ? IMAGE_TYPES[ext] : undefined;
  if (mimeType === undefined) {
    throw new UnsupportedInput(`message ${i}: Gemini needs the image type of a URL, and this URL's path does not end in .png, .jpg, .jpeg, .webp, .heic or .heif; send a base64 data URL instead`);
  }
  return { fileData: { mimeType, fileUri: url } };
}

/** An assistant's tool calls → `functionCall` parts (with their thought signatures), remembering id → name. */
function callParts(m: JsonObject, i: number, callNames: Map<string, string>): JsonObject[] {
  if (given(m.function_call)) throw new UnsupportedInput(`message ${i}: the legacy "function_call" cannot be sent to Gemini; use tool_calls`);
  if (!given(m.tool_calls)) return [];
  if (!Array.isArray(m.tool_calls)) throw new UnsupportedInput(`message ${i}: tool_calls must be a list`);
  return m.tool_calls.map((c, j) => {
    if (!isObject(c) || !isObject(c.function) || typeof c.function.name !== 'string') throw new UnsupportedInput(`message ${i}: tool call ${j} has no function name`);
    const name = c.function.name;
    let args: unknown = {};
    const text = typeof c.function.arguments === 'string' ? c.function.arguments : '';
    if (text.trim() !== '') {
      try {
        args = JSON.parse(text);
      } catch {
        throw new UnsupportedInput(`message ${i}: the arguments of tool call ${j} (${name}) are not JSON`);
      }
    }
    if (!isObject(args)) throw new UnsupportedInput(`message ${i}: the arguments of tool call ${j} (${name}) must be a JSON object for Gemini`);
    if (typeof c.id === 'string') callNames.set(c.id, name);
    const part: JsonObject = { functionCall: { name, args } };
    const google = isObject(c.extra_content) && isObject(c.extra_content.google) ? c.extra_content.google : null;
    if (google !== null && typeof google.thought_signature === 'string') part.thoughtSignature = google.thought_signature;
    return part;
  });
}

/**
 * A tool message → a `functionResponse` part, named after the call it answers. A JSON
 * object result is the response itself; anything else goes under `output` (Google's
 * documented key for a function's output).
 */
function toolResult(m: JsonObject, i: number, callNames: ReadonlyMap<string, string>): JsonObject {
  const id = typeof m.tool_call_id === 'string' ? m.tool_call_id : '';
  const name = callNames.get(id);
  if (name === undefined) throw new UnsupportedInput(`message ${i}: tool_call_id "${id.slice(0, 80)}" answers no tool call of an earlier assistant message`);
  const text = typeof m.content === 'string' ? m.content : textParts(m.content, i).map((p) => p.text as string).join('');
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  return { functionResponse: { name, response: isObject(value) ? value : { output: value } } };
}
