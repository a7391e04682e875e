/** What the fake Bedrock answers, in Bedrock's own shapes (Converse JSON, ConverseStream events, InvokeModel bodies), and the steps tests script. */

/** A tool call the fake model makes. */
export interface FakeToolUse {
  readonly id: string;
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/** One scripted answer; unscripted calls get `reply` with `Hello from <modelId>`. */
export type FakeStep =
  /** A normal answer: text and/or tool calls (Converse JSON or a ConverseStream, by endpoint). */
  | { readonly kind: 'reply'; readonly text?: string; readonly toolUses?: readonly FakeToolUse[]; readonly stopReason?: string }
  /** An HTTP error answer with `x-amzn-errortype`, as Bedrock sends exceptions before a stream starts. */
  | { readonly kind: 'error'; readonly status: number; readonly type: string; readonly message: string }
  /** A stream that sends `after` events of a normal reply, then an exception frame. */
  | { readonly kind: 'stream-exception'; readonly exception: string; readonly message: string; readonly after: number };

/** A normal answer. */
export const reply = (text: string, toolUses: readonly FakeToolUse[] = []): ReplyStep => ({ kind: 'reply', text, toolUses, stopReason: toolUses.length > 0 ? 'tool_use' : 'end_turn' });
/** Tool calls only. */
export const toolUse = (...toolUses: FakeToolUse[]): FakeStep => ({ kind: 'reply', toolUses, stopReason: 'tool_use' });
/** An HTTP error answer. */
export const httpError = (status: number, type: string, message: string): FakeStep => ({ kind: 'error', status, type, message });
/** Bedrock's ThrottlingException (429). */
export const throttled = (): FakeStep => httpError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.');
/** An exception frame in the stream after `after` events (0: the first event). */
export const streamException = (exception: string, message: string, after = 0): FakeStep => ({ kind: 'stream-exception', exception, message, after });

/** The normal-answer step. */
export type ReplyStep = Extract<FakeStep, { kind: 'reply' }>;

/** Rough token count (4 characters a token). */
export const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** Random-looking padding like the real service's `p` field (which clients ignore). */
const pad = (n: number): string => 'abcdefghijklmnopqrstuvwxyz'.slice(0, 1 + (n % 26));

/** Converse output JSON for a reply step. */
export function converseOutput(step: ReplyStep, promptText: string): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (step.text) content.push({ text: step.text });
  for (const t of step.toolUses ?? []) content.push({ toolUse: { toolUseId: t.id, name: t.name, input: t.input } });
  const input = tokens(promptText);
  const output = tokens(step.text ?? '') + (step.toolUses?.length ?? 0) * 10;
  return { output: { message: { role: 'assistant', content } }, stopReason: step.stopReason ?? 'end_turn', usage: { inputTokens: input, outputTokens: output, totalTokens: input + output }, metrics: { latencyMs: 42 } };
}

/** The ConverseStream events of a reply step: text word by word, then each tool call in two input fragments. */
export function streamEvents(step: ReplyStep, promptText: string): [string, Record<string, unknown>][] {
  const events: [string, Record<string, unknown>][] = [['messageStart', { role: 'assistant' }]];
  let block = 0;
  if (step.text) {
    for (const piece of step.text.match(/\S+\s*|\s+/g) ?? []) events.push(['contentBlockDelta', { contentBlockIndex: block, delta: { text: piece } }]);
    events.push(['contentBlockStop', { contentBlockIndex: block }]);
    block++;
  }
  for (const t of step.toolUses ?? []) {
    const args = JSON.stringify(t.input);
    const cut = Math.ceil(args.length / 2);
    events.push(['contentBlockStart', { contentBlockIndex: block, start: { toolUse: { toolUseId: t.id, name: t.name } } }]);
    events.push(['contentBlockDelta', { contentBlockIndex: block, delta: { toolUse: { input: args.slice(0, cut) } } }]);
    events.push(['contentBlockDelta', { contentBlockIndex: block, delta: { toolUse: { input: args.slice(cut) } } }]);
    events.push(['contentBlockStop', { contentBlockIndex: block }]);
    block++;
  }
  const { usage, metrics } = converseOutput(step, promptText);
  events.push(['messageStop', { stopReason: step.stopReason ?? 'end_turn' }]);
  events.push(['metadata', { usage, metrics }]);
  return events.map(([name, payload], i) => [name, name === 'metadata' ? payload : { ...payload, p: pad(i) }]);
}

function vector(text: string, dims: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const v = Array.from({ length: dims }, (_, i) => Math.sin((h >>> 0) + i * 7919));
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

/** The InvokeModel answer of an embeddings model (Titan or Cohere), or null for other models. */
export function invokeAnswer(modelId: string, body: Record<string, unknown>): Record<string, unknown> | null {
  if (modelId.includes('titan-embed')) {
    const text = String(body.inputText ?? '');
    const embedding = vector(text, typeof body.dimensions === 'number' ? body.dimensions : 8);
    return { embedding, inputTextTokenCount: tokens(text), embeddingsByType: { float: embedding } };
  }
  if (modelId.includes('cohere.embed')) {
    const texts = Array.isArray(body.texts) ? body.texts.map(String) : [];
    return { embeddings: texts.map((t) => vector(t, 8)), id: 'emb-fake-1', response_type: 'embeddings_floats', texts };
  }
  return null;
}
