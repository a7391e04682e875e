/** The Bedrock transport: runs the SDK call a `bedrock://` pseudo-URL names and answers like an HTTP provider would. */
import type { ConverseCommand, ConverseCommandInput, ConverseStreamCommand, ConverseStreamCommandInput, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import type { StopSignal } from '../../core/stop.ts';
import { abortedError } from '../../http/errors.ts';
import { UpstreamError, type UpstreamClient, type UpstreamPhase, type UpstreamRequest, type UpstreamResponse } from '../../http/types.ts';
import { isObject, type JsonObject } from '../../openai/types.ts';
import { encodeSse } from '../../sse/encoder.ts';
import { errorAnswer, jsonAnswer, readAll, wireJson } from './answers.ts';
import { parseBedrockUrl } from './url.ts';
import { merged } from '../../merged.ts';

/** The SDK module, passed in so it is loaded only when Bedrock is first called. */
export type BedrockSdk = typeof import('@aws-sdk/client-bedrock-runtime');

/** The SDK commands the transport sends. */
export type BedrockCommand = ConverseCommand | ConverseStreamCommand | InvokeModelCommand;

/** What the transport needs from an SDK client (a fake in unit tests). */
export interface BedrockCaller {
  send(command: BedrockCommand, options: { readonly abortSignal: AbortSignal }): Promise<unknown>;
  /** True once the call with this signal reached the HTTP layer (so it may have been sent); absent when unknown. */
  reached?(signal: AbortSignal): boolean;
}

/** InvokeModel calls of one embeddings request run at most this many at a time. */
export const INVOKE_CONCURRENCY = 4;
/** Node error codes that prove nothing was sent. */
const NOT_SENT = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);
const SAFE_CODE = /^[A-Za-z0-9_]{1,64}$/;
/** SDK fields of an exception that are not part of Bedrock's error body. */
const SDK_FIELDS = new Set(['$fault', '$retryable', '$metadata', '$response', 'name', 'message', 'stack']);
const CANCELLED = 'cancelled';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A StopSignal adapted to an AbortSignal for the SDK. */
interface Link {
  readonly stop: StopSignal | undefined;
  readonly controller: AbortController;
  release(): void;
}

function link(stop: StopSignal | undefined): Link {
  const controller = new AbortController();
  if (!stop) return { stop, controller, release() {} };
  const onAbort = (): void => controller.abort(stop.reason);
  stop.addEventListener('abort', onAbort, { once: true });
  return { stop, controller, release: () => stop.removeEventListener('abort', onAbort) };
}

const field = (value: unknown, key: string): unknown => (isObject(value) ? value[key] : undefined);
const nameOf = (err: unknown): string => (err instanceof Error ? err.name : String(field(err, 'name') ?? ''));

function statusOf(err: unknown): number | null {
  const status = field(field(err, '$metadata'), 'httpStatusCode');
  return typeof status === 'number' ? status : null;
}

/** Bedrock's error body for an SDK exception: its name, message and modeled fields. */
function exceptionBody(err: unknown): JsonObject & { readonly __type: string } {
  const body: JsonObject & { __type: string } = { __type: nameOf(err), message: err instanceof Error ? err.message : String(field(err, 'message') ?? '') };
  if (isObject(err) || err instanceof Error) {
    for (const [key, value] of Object.entries(err)) if (!SDK_FIELDS.has(key) && value !== undefined) body[key] = value;
  }
  return body;
}

/** The answer (or the UpstreamError) for an SDK call that threw before an answer was handed on. */
function failedCall(err: unknown, caller: BedrockCaller, l: Link): UpstreamResponse {
  if (err instanceof UpstreamError) throw err;
  const reached = caller.reached ? caller.reached(l.controller.signal) : null;
  if (l.stop?.aborted) throw abortedError(reached === false ? 'connect' : 'wait', l.stop.reason);
  const status = statusOf(err);
  if (status !== null && status >= 300) {
    const requestId = field(field(err, '$metadata'), 'requestId');
    return errorAnswer(status, exceptionBody(err), typeof requestId === 'string' ? requestId : null);
  }
  if (nameOf(err) === 'CredentialsProviderError') {
    // Nothing was sent; 401 stands for "no credentials" so the pipeline classifies it as auth.
    return errorAnswer(401, { __type: 'CredentialsProviderError', message: 'No AWS credentials were found for Bedrock.' }, null);
  }
  if (status !== null) throw new UpstreamError('network', 'receive', 'Bedrock answer could not be read');
  const code = field(err, 'code');
  const safe = typeof code === 'string' && SAFE_CODE.test(code) ? code : null;
  const phase: UpstreamPhase = reached === false || (safe !== null && NOT_SENT.has(safe)) ? 'connect' : 'wait';
  const where = phase === 'connect' ? 'before it was sent' : 'after it may have been sent';
  throw new UpstreamError('network', phase, `Bedrock call failed ${where}${safe ? ` (${safe})` : ''}`);
}

/** The Converse input with base64 blobs (`source.bytes`) decoded to bytes, as the SDK wants them. */
function withBytes(input: JsonObject): JsonObject {
  const decode = (block: unknown): void => {
    if (!isObject(block)) return;
    for (const kind of ['image', 'document', 'video', 'audio']) {
      const source = field(block[kind], 'source');
      if (isObject(source) && typeof source.bytes === 'string') source.bytes = Buffer.from(source.bytes, 'base64');
    }
    const nested = field(block.toolResult, 'content');
    if (Array.isArray(nested)) nested.forEach(decode);
  };
  for (const message of Array.isArray(input.messages) ? input.messages : []) {
    const content = field(message, 'content');
    if (Array.isArray(content)) content.forEach(decode);
  }
  return input;
}

/** The SSE body of a ConverseStream: one event per stream event, exceptions as events too. */
function streamAnswer(stream: AsyncIterable<unknown>, l: Link): UpstreamResponse {
  let cancelled = false;
  let read = false;
  async function* events(): AsyncGenerator<Uint8Array> {
    try {
      for await (const event of stream) {
        if (cancelled) return;
        const [member, value] = isObject(event) ? (Object.entries(event).find(([k, v]) => !k.startsWith('$') && v !== undefined) ?? []) : [];
        if (member !== undefined) yield encoder.encode(encodeSse({ event: member, data: wireJson(value) }));
      }
    } catch (err) {
      if (cancelled) return;
      if (err instanceof UpstreamError) throw err;
      if (l.stop?.aborted) throw abortedError('receive', l.stop.reason);
      const name = nameOf(err);
      if (!/^[A-Za-z]+Exception$/.test(name)) throw new UpstreamError('network', 'receive', 'the Bedrock event stream could not be read');
      const { __type: _, ...payload } = exceptionBody(err);
      yield encoder.encode(encodeSse({ event: name.charAt(0).toLowerCase() + name.slice(1), data: wireJson(payload) }));
    } finally {
      l.release();
    }
  }
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    l.controller.abort(CANCELLED);
    l.release();
  };
  const body: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      if (read) throw new TypeError('a response body can be read once');
      read = true;
      return events();
    },
  };
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, body, text: (max) => readAll(body, max, cancel), cancel };
}

/** Runs one InvokeModel call per body, a few at a time; the first failure aborts the rest. */
async function invokeAll(sdk: BedrockSdk, caller: BedrockCaller, modelId: string, bodies: unknown, controller: AbortController): Promise<unknown[]> {
  if (!Array.isArray(bodies)) throw new TypeError('an invoke request body is a list of InvokeModel bodies');
  const answers: unknown[] = new Array<unknown>(bodies.length).fill(null);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < bodies.length) {
      const i = next++;
      try {
        const command = new sdk.InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(bodies[i]) });
        const out = field(await caller.send(command, { abortSignal: controller.signal }), 'body');
        answers[i] = out instanceof Uint8Array ? parseJson(decoder.decode(out)) : null;
      } catch (err) {
        if (!failed) controller.abort('a sibling call failed');
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(INVOKE_CONCURRENCY, bodies.length) }, worker));
  return answers;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

async function exchange(sdk: BedrockSdk, caller: BedrockCaller, request: UpstreamRequest): Promise<UpstreamResponse> {
  const target = parseBedrockUrl(request.url);
  if (!target) throw new UpstreamError('network', 'connect', 'not a Bedrock call');
  if (request.signal?.aborted) throw abortedError('connect', request.signal.reason);
  const text = typeof request.body === 'string' ? request.body : decoder.decode(request.body ?? new Uint8Array());
  const input = parseJson(text);
  const l = link(request.signal);
  const options = { abortSignal: l.controller.signal };
  try {
    if (target.operation === 'invoke') {
      const answers = await invokeAll(sdk, caller, target.modelId, input, l.controller);
      l.release();
      return jsonAnswer(wireJson(answers));
    }
    if (!isObject(input)) throw new TypeError('a Converse request body is a JSON object');
    if (target.operation === 'converse') {
      const out = await caller.send(new sdk.ConverseCommand(merged(withBytes(input), { modelId: target.modelId }) as unknown as ConverseCommandInput), options);
      l.release();
      const { $metadata: _, ...output } = isObject(out) ? out : {};
      return jsonAnswer(wireJson(output));
    }
    const out = await caller.send(new sdk.ConverseStreamCommand(merged(withBytes(input), { modelId: target.modelId }) as unknown as ConverseStreamCommandInput), options);
    const stream = field(out, 'stream');
    if (typeof stream !== 'object' || stream === null || !(Symbol.asyncIterator in stream)) throw new UpstreamError('network', 'receive', 'Bedrock answered without an event stream');
    return streamAnswer(stream as AsyncIterable<unknown>, l);
  } catch (err) {
    l.release();
    return failedCall(err, caller, l);
  }
}

/**
 * A transport over `caller` (one per provider). Converse → 200 and the output JSON;
 * ConverseStream → 200 and an SSE body with one `event: <member>` per stream event, an exception
 * the SDK throws mid-stream as a last `event: <exceptionMember>`; InvokeModel (embeddings) → the
 * list of answers; SDK exceptions → an error answer with `$metadata.httpStatusCode` and
 * `{ "__type", "message" }`; no credentials → 401 `CredentialsProviderError`; network failures →
 * UpstreamError, phase `connect` only when the call provably never reached the network. The
 * request's StopSignal becomes an AbortSignal here and nowhere else.
 */
export function bedrockTransport(caller: BedrockCaller, sdk: BedrockSdk): UpstreamClient {
  return { send: (request) => exchange(sdk, caller, request) };
}
