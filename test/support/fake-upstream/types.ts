/** Types shared by the fake provider servers: behaviours, their options, and request records. */
import type { ServerResponse } from 'node:http';

/** Why a choice stopped, as OpenAI reports it. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** One tool call the fake model "makes". `arguments` objects are sent as JSON text. */
export interface ToolCallSpec {
  /** Tool call id; default `call_<index>`. */
  readonly id?: string;
  /** Function name. */
  readonly name: string;
  /** JSON text, or a value to serialize; default `{}`. */
  readonly arguments?: string | Readonly<Record<string, unknown>>;
}

/** Token usage to report; missing numbers are estimated from the request and the reply. */
export interface UsageSpec {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly total_tokens?: number;
}

/** What a chat completion says. */
export interface ReplyOptions {
  /** Assistant text; default `Hello from <upstream name>`; `null` for tool-call-only replies. */
  readonly content?: string | null;
  /** Tool calls to make; `finish_reason` becomes `tool_calls` unless `finishReason` says otherwise. */
  readonly toolCalls?: readonly ToolCallSpec[];
  /** Default `stop`, or `tool_calls` when there are tool calls. */
  readonly finishReason?: FinishReason;
  /** Reported usage; estimated when missing. */
  readonly usage?: UsageSpec;
  /** Model to report; default: the request's `model` (or the Azure deployment). */
  readonly model?: string;
  /** Completion id; default `chatcmpl-<upstream>-<n>`. */
  readonly id?: string;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a streamed completion is cut into chunks and paced. */
export interface StreamOptions extends ReplyOptions {
  /** Content pieces, one per chunk (instead of splitting `content` at word starts). */
  readonly chunks?: readonly string[];
  /** Pause between events, in ms (timers, not busy waits). Default 0. */
  readonly delayMs?: number;
  /** Pause between the headers (sent at once) and the first event, in ms. Default 0. */
  readonly firstByteDelayMs?: number;
  /** Send every event and `[DONE]` in one write, as a burst that reaches the gateway in one read. Default false. */
  readonly burst?: boolean;
  /**
   * `compact` (default): the role rides on the first content delta and `finish_reason` on the
   * last one. `openai`: a separate role chunk first (`content: ''`) and a separate empty-delta
   * chunk carrying `finish_reason`, as api.openai.com sends them.
   */
  readonly layout?: 'compact' | 'openai';
  /**
   * Final usage chunk (`choices: []`): `auto` (default) only when the request sets
   * `stream_options.include_usage: true`; `always`; `never`.
   */
  readonly usageChunk?: 'auto' | 'always' | 'never';
  /** Interleave parallel tool-call fragments across indexes (default true); false sends them one call after another. */
  readonly interleave?: boolean;
  /** How many argument fragments per tool call (default 3). */
  readonly argumentFragments?: number;
}

/** The `error` object of an OpenAI error body. Missing fields get defaults by status. */
export interface ErrorSpec {
  readonly message?: string;
  readonly type?: string;
  readonly code?: string | null;
  readonly param?: string | null;
}

/** An HTTP error reply. */
export interface FailOptions extends ErrorSpec {
  /** `Retry-After`: seconds, a date (sent as an HTTP date), or the header text as is. */
  readonly retryAfter?: number | Date | string;
  /** `retry-after-ms`, which OpenAI also sends and its SDKs honour. */
  readonly retryAfterMs?: number;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Replaces the OpenAI error JSON: a string is sent as is, anything else as JSON. */
  readonly body?: unknown;
  /** Content type; default `application/json` (with `body` as a string: `text/plain`). */
  readonly contentType?: string;
}

/** An embeddings reply. */
export interface EmbeddingsOptions {
  /** Vector length; default the request's `dimensions`, else 8. */
  readonly dims?: number;
  /** Model to report; default: the request's `model`. */
  readonly model?: string;
  /** Reported usage; estimated when missing. */
  readonly usage?: { readonly prompt_tokens?: number; readonly total_tokens?: number };
}

/** Lets a `custom` behaviour pause without leaking timers. */
export interface CustomContext {
  /** Aborted when the client goes away or the fake closes. */
  readonly signal: AbortSignal;
  /** Resolves true after `ms`, or false as soon as `signal` aborts. */
  wait(ms: number): Promise<boolean>;
}

/** A hand-written reply; the body has already been read and parsed into `req`. Its result is awaited and ignored. */
export type CustomHandler = (req: RequestRecord, res: ServerResponse, ctx: CustomContext) => unknown;

/** A behaviour whose `kind` is the name of the helper that built it. */
export type Behaviour =
  | { readonly kind: 'ok' }
  | { readonly kind: 'reply'; readonly options: ReplyOptions }
  | { readonly kind: 'stream'; readonly options: StreamOptions }
  | { readonly kind: 'embeddings'; readonly options: EmbeddingsOptions }
  | { readonly kind: 'fail'; readonly status: number; readonly options: FailOptions }
  | { readonly kind: 'slowHeaders'; readonly ms: number; readonly then: Behaviour }
  | { readonly kind: 'resetBeforeHeaders' }
  | { readonly kind: 'resetMidStream'; readonly afterChunks: number; readonly options: StreamOptions }
  | { readonly kind: 'malformedJson' }
  | { readonly kind: 'malformedChunk'; readonly afterChunks: number; readonly options: StreamOptions }
  | { readonly kind: 'errorInStream'; readonly afterChunks: number; readonly error: ErrorSpec; readonly options: StreamOptions }
  | { readonly kind: 'errorAsFirstEvent'; readonly error: ErrorSpec; readonly options: StreamOptions }
  | { readonly kind: 'cutStream'; readonly afterChunks: number; readonly options: StreamOptions }
  | { readonly kind: 'hang' }
  | { readonly kind: 'custom'; readonly handler: CustomHandler };

/** Name of a behaviour, or of an answer the fake gives without consuming the script. */
export type BehaviourName = Behaviour['kind'] | 'route-not-found' | 'invalid-json';

/** Which API a request was for. */
export type Endpoint = 'chat' | 'embeddings' | 'models' | 'unknown';

/**
 * How an exchange ended, seen from the fake: `pending` while it runs; `completed` when the whole
 * response was sent (error replies included); `reset` when the fake destroyed the connection on
 * purpose; `client-closed` when the client went away first; `closed` when `close()` ended it.
 */
export type Outcome = 'pending' | 'completed' | 'reset' | 'client-closed' | 'closed';

/** One request the fake received. Mutable fields change while the exchange runs. */
export interface RequestRecord {
  /** Name of the fake that received it. */
  readonly upstream: string;
  /** Order of arrival across every fake in this process (starts at 1). */
  readonly seq: number;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Query parameters (last value wins). */
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or the raw text when it is not JSON (`''` for none). */
  readonly body: unknown;
  /** The body exactly as received (UTF-8). */
  readonly rawBody: string;
  /** Which API the path names (`unknown` for anything else). */
  readonly endpoint: Endpoint;
  /** Azure deployment from the path, else null. */
  readonly deployment: string | null;
  /** `body.model` when it is a string, else the deployment, else null. */
  readonly model: string | null;
  /** `body.stream === true`. */
  readonly stream: boolean;
  /** Wall-clock ms (epoch, sub-ms precision) when the body had been read. */
  readonly at: number;
  /** Which behaviour served it. */
  behaviour: BehaviourName;
  /** True when it came from `script()`, false for the fallback and built-in answers. */
  scripted: boolean;
  /** HTTP status sent, or null when no headers were sent. */
  status: number | null;
  /** Events written to an SSE stream (chunks, error events, `[DONE]`). */
  eventsSent: number;
  /** How the exchange ended so far. */
  outcome: Outcome;
  /** Wall-clock ms when the outcome was settled, null while pending. */
  endedAt: number | null;
}

/** Options for one fake. */
export interface FakeUpstreamOptions {
  /** Name used in records, default content and ids. */
  readonly name: string;
  /**
   * Answer 404 (OpenAI error shape, not consuming the script) for paths that are not
   * `/v1/{chat/completions,embeddings,models}` or Azure `/openai/deployments/{d}/{chat/completions,embeddings}`
   * with `api-version`. Default true; false sends every request to the script.
   */
  readonly strictPaths?: boolean;
}

/** A running fake provider. */
export interface FakeUpstream {
  /** The name it was started with. */
  readonly name: string;
  /** `http://127.0.0.1:PORT/v1`: the OpenAI base URL. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`: the Azure endpoint (serves `/openai/deployments/{d}/...`). */
  readonly azureEndpoint: string;
  /** The port it listens on (127.0.0.1 only). */
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: readonly RequestRecord[];
  /** `requests.length`. */
  readonly count: number;
  /** Scripted behaviours not consumed yet. */
  readonly remaining: number;
  /** Serves requests once the script is empty; default `ok()`. */
  fallback: Behaviour;
  /** Appends behaviours; each request consumes the next one. */
  script(...behaviours: readonly (Behaviour | readonly Behaviour[])[]): void;
  /** Resolves with the records once `n` requests have arrived; rejects after `timeoutMs`. */
  waitForRequests(n: number, timeoutMs?: number): Promise<readonly RequestRecord[]>;
  /** Resolves once no request is pending; rejects after `timeoutMs`. */
  waitForSettled(timeoutMs?: number): Promise<void>;
  /** Forgets the requests and the script; restores the default fallback. */
  reset(): void;
  /** Ends every exchange (destroying sockets), stops listening, clears timers. Idempotent. */
  close(): Promise<void>;
}
