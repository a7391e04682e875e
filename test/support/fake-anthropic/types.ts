/** Types of the fake Anthropic Messages API: behaviours, their options, and request records. */
import type { ServerResponse } from 'node:http';

/** One `tool_use` block the fake model produces. */
export interface ToolUseSpec {
  /** Default `toolu_<upstream>_<n>`. */
  readonly id?: string;
  readonly name: string;
  /** Default `{}`. */
  readonly input?: Readonly<Record<string, unknown>>;
}

/** Usage numbers to report (missing ones are estimated from the request and the reply). */
export interface UsageSpec {
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly cache_creation_input_tokens?: number;
  readonly cache_read_input_tokens?: number;
}

/** What a message says. */
export interface ReplyOptions {
  /** Text of the first block; default `Hello from <name>`; `null` for tool use only. */
  readonly text?: string | null;
  /** `tool_use` blocks after the text, in order. */
  readonly toolUses?: readonly ToolUseSpec[];
  /** Default `end_turn`, or `tool_use` when there are tool uses. */
  readonly stopReason?: string;
  readonly usage?: UsageSpec;
  /** Default: the request's `model`. */
  readonly model?: string;
  /** Default `msg_<upstream>_<seq>`. */
  readonly id?: string;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a streamed message is cut and paced. */
export interface StreamOptions extends ReplyOptions {
  /** Text pieces, one `text_delta` each (default: the text split before each word). */
  readonly chunks?: readonly string[];
  /** Pause between events, in ms. Default 0. */
  readonly delayMs?: number;
  /** Send a `ping` after the first `content_block_start`, as the docs' example does. Default true. */
  readonly ping?: boolean;
}

/** An Anthropic error (`{type: "error", error: {type, message}}`); the type defaults by status. */
export interface ErrorSpec {
  readonly type?: string;
  readonly message?: string;
}

/** An HTTP error reply. */
export interface FailOptions extends ErrorSpec {
  /** `retry-after`: seconds, or the header text as is. */
  readonly retryAfter?: number | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Replaces the error JSON (a string is sent as is). */
  readonly body?: unknown;
}

/** A hand-written reply; it must end `res`. */
export type CustomHandler = (req: AnthropicRequest, res: ServerResponse, signal: AbortSignal) => unknown;

/** A behaviour; `kind` is the helper that built it. */
export type Behaviour =
  | { readonly kind: 'reply'; readonly options: StreamOptions }
  | { readonly kind: 'stream'; readonly options: StreamOptions }
  | { readonly kind: 'fail'; readonly status: number; readonly options: FailOptions }
  | { readonly kind: 'errorEvent'; readonly after: number; readonly error: ErrorSpec; readonly options: StreamOptions }
  | { readonly kind: 'hang' }
  | { readonly kind: 'custom'; readonly handler: CustomHandler };

/** One request the fake received. */
export interface AnthropicRequest {
  /** Name of the fake. */
  readonly upstream: string;
  /** Arrival order across every fake Anthropic in the process (from 1). */
  readonly seq: number;
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  /** Header names lower case, repeated ones joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or the raw text when it is not JSON. */
  readonly body: unknown;
  readonly rawBody: string;
  /** `body.model` when it is a string. */
  readonly model: string | null;
  /** `body.stream === true`. */
  readonly stream: boolean;
  /** Wall-clock ms when the body had been read. */
  readonly at: number;
  /** The behaviour that served it, or the built-in answer (`route-not-found`, `invalid-json`, `missing-version`, `wrong-key`). */
  behaviour: string;
  /** Status sent, null before headers. */
  status: number | null;
  /** SSE events written. */
  eventsSent: number;
}

/** Options for one fake. */
export interface FakeAnthropicOptions {
  readonly name: string;
  /** When set, requests whose `x-api-key` differs get a 401 (without consuming the script). */
  readonly apiKey?: string;
}

/** A running fake Anthropic API. */
export interface FakeAnthropic {
  readonly name: string;
  /** `http://127.0.0.1:PORT` (the provider's `base_url`; requests go to `/v1/messages`). */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly requests: readonly AnthropicRequest[];
  /** Serves requests once the script is empty; default `reply()`. */
  fallback: Behaviour;
  /** Appends behaviours; each request consumes one. */
  script(...behaviours: readonly Behaviour[]): void;
  /** Resolves once `n` requests have arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<readonly AnthropicRequest[]>;
  /** Ends every exchange and stops listening. Idempotent. */
  close(): Promise<void>;
}
