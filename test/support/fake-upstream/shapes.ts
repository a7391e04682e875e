/** OpenAI JSON shapes the fakes send: chat completions, error bodies, token estimates. */
import type OpenAI from 'openai';
import type { ErrorSpec, FinishReason, ReplyOptions, RequestRecord, ToolCallSpec, UsageSpec } from './types.ts';

/** The usage object of a chat completion. */
export type Usage = OpenAI.CompletionUsage;

/** Rough token count: a quarter of the characters, at least 1 for non-empty text, 0 for none. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Text of one message's `content` (a string, or the `text` of its parts). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : ''))
    .join('');
}

/** Narrows to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Estimated prompt tokens of a chat request: 3 per message plus its text. */
export function estimatePromptTokens(body: unknown): number {
  if (!isRecord(body) || !Array.isArray(body['messages'])) return 0;
  return (body['messages'] as unknown[]).reduce<number>(
    (sum, m) => sum + 3 + (isRecord(m) ? estimateTokens(contentText(m['content'])) : 0),
    0,
  );
}

/** Arguments as JSON text. */
export function argumentsText(call: ToolCallSpec): string {
  const args = call.arguments ?? {};
  return typeof args === 'string' ? args : JSON.stringify(args);
}

/** Completion text the reply stands for, for the completion-token estimate. */
function completionText(content: string | null, toolCalls: readonly ToolCallSpec[]): string {
  return (content ?? '') + toolCalls.map((c) => c.name + argumentsText(c)).join('');
}

/** Usage with given numbers kept and missing ones estimated. */
export function usageFor(req: RequestRecord, content: string | null, toolCalls: readonly ToolCallSpec[], given: UsageSpec = {}): Usage {
  const prompt = given.prompt_tokens ?? estimatePromptTokens(req.body);
  const completion = given.completion_tokens ?? estimateTokens(completionText(content, toolCalls));
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: given.total_tokens ?? prompt + completion };
}

/** The fields every completion and chunk of one reply shares. */
export interface ReplyIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

/** Id, timestamp and model for one reply. */
export function identityFor(req: RequestRecord, options: ReplyOptions): ReplyIdentity {
  const safeName = req.upstream.replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    id: options.id ?? `chatcmpl-${safeName}-${req.seq}`,
    created: Math.floor(Date.now() / 1000),
    model: options.model ?? req.model ?? 'unknown-model',
  };
}

/** Content of a reply: given, `null` for tool-call-only replies, else `Hello from <name>`. */
export function contentFor(req: RequestRecord, options: ReplyOptions): string | null {
  if (options.content !== undefined) return options.content;
  return options.toolCalls && options.toolCalls.length > 0 ? null : `Hello from ${req.upstream}`;
}

/** Finish reason of a reply. */
export function finishReasonFor(options: ReplyOptions): FinishReason {
  return options.finishReason ?? (options.toolCalls && options.toolCalls.length > 0 ? 'tool_calls' : 'stop');
}

/** Tool call id: given, else `call_<index>`. */
export function toolCallId(call: ToolCallSpec, index: number): string {
  return call.id ?? `call_${index}`;
}

/** A non-streaming `chat.completion` object. */
export function chatCompletion(req: RequestRecord, options: ReplyOptions): OpenAI.ChatCompletion {
  const content = contentFor(req, options);
  const toolCalls = options.toolCalls ?? [];
  const message: OpenAI.ChatCompletionMessage = { role: 'assistant', content, refusal: null };
  if (toolCalls.length > 0) {
    message.tool_calls = toolCalls.map((call, index) => ({
      id: toolCallId(call, index),
      type: 'function' as const,
      function: { name: call.name, arguments: argumentsText(call) },
    }));
  }
  return {
    ...identityFor(req, options),
    object: 'chat.completion',
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonFor(options) }],
    usage: usageFor(req, content, toolCalls, options.usage),
  };
}

/** Default `type` and `code` of an error by HTTP status, as OpenAI uses them. */
function errorDefaults(status: number): Required<ErrorSpec> {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', code: null, param: null, message: 'Invalid request.' };
    case 401:
      return { type: 'invalid_request_error', code: 'invalid_api_key', param: null, message: 'Incorrect API key provided.' };
    case 403:
      return { type: 'invalid_request_error', code: 'unsupported_country_region_territory', param: null, message: 'Forbidden.' };
    case 404:
      return { type: 'invalid_request_error', code: 'model_not_found', param: 'model', message: 'The model does not exist or you do not have access to it.' };
    case 429:
      return { type: 'requests', code: 'rate_limit_exceeded', param: null, message: 'Rate limit reached for requests.' };
    default:
      return status >= 500
        ? { type: 'server_error', code: null, param: null, message: 'The server had an error while processing your request.' }
        : { type: 'invalid_request_error', code: null, param: null, message: `Request failed with status ${status}.` };
  }
}

/** An OpenAI error body `{ error: { message, type, param, code } }`. */
export function errorBody(status: number, spec: ErrorSpec = {}): { error: Required<ErrorSpec> } {
  const d = errorDefaults(status);
  return {
    error: {
      message: spec.message ?? d.message,
      type: spec.type ?? d.type,
      param: spec.param === undefined ? d.param : spec.param,
      code: spec.code === undefined ? d.code : spec.code,
    },
  };
}
