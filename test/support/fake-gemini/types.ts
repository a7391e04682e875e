/** Types of the fake Gemini API: behaviours, their options, request records. */
import type { ServerResponse } from 'node:http';

/** One function call the fake model makes (Gemini sends each call whole). */
export interface FunctionCallSpec {
  readonly name: string;
  readonly args?: Readonly<Record<string, unknown>>;
  /** Gemini's own call id (current Gemini API answers usually have none). */
  readonly id?: string;
  /** A Gemini 3 thought signature on the part. */
  readonly thoughtSignature?: string;
}

/** Token counts for `usageMetadata`; missing numbers are estimated. */
export interface UsageSpec {
  readonly promptTokenCount?: number;
  readonly candidatesTokenCount?: number;
  readonly thoughtsTokenCount?: number;
  readonly cachedContentTokenCount?: number;
  readonly totalTokenCount?: number;
}

/** What a generated answer says. */
export interface ReplyOptions {
  /** Answer text; default `Hello from <name>`; null for calls only. */
  readonly text?: string | null;
  /** Text pieces, one streamed event each (instead of splitting `text` before words). */
  readonly chunks?: readonly string[];
  readonly functionCalls?: readonly FunctionCallSpec[];
  /** Default `STOP`. */
  readonly finishReason?: string;
  readonly usage?: UsageSpec;
  /** Default: the model of the URL. */
  readonly modelVersion?: string;
  /** Pause between streamed events, in ms. */
  readonly delayMs?: number;
}

/** A Google error (`{ error: { code, message, status, details } }`). */
export interface GoogleErrorSpec {
  /** Canonical status; default by HTTP status (429 → RESOURCE_EXHAUSTED, …). */
  readonly status?: string;
  readonly message?: string;
  /** `RetryInfo.retryDelay`, e.g. `"30s"`. */
  readonly retryDelay?: string;
  /** More `details` entries (QuotaFailure, ErrorInfo…). */
  readonly details?: readonly unknown[];
  /** Extra response headers (Retry-After…). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Lets a `custom` behaviour pause without leaking timers. */
export interface CustomContext {
  readonly signal: AbortSignal;
  wait(ms: number): Promise<boolean>;
}

/** A behaviour whose `kind` is the name of the helper that built it. */
export type GeminiBehaviour =
  | { readonly kind: 'ok' }
  | { readonly kind: 'reply'; readonly options: ReplyOptions }
  | { readonly kind: 'blockPrompt'; readonly reason: string }
  | { readonly kind: 'safetyStop'; readonly text: string | null; readonly reason: string }
  | { readonly kind: 'fail'; readonly status: number; readonly error: GoogleErrorSpec }
  | { readonly kind: 'errorInStream'; readonly afterChunks: number; readonly status: number; readonly error: GoogleErrorSpec; readonly options: ReplyOptions }
  | { readonly kind: 'embeddings'; readonly dims: number | null }
  | { readonly kind: 'hang' }
  | { readonly kind: 'custom'; readonly handler: (req: GeminiRequestRecord, res: ServerResponse, ctx: CustomContext) => unknown };

/** The Gemini API method a request names. */
export type GeminiAction = 'generateContent' | 'streamGenerateContent' | 'embedContent' | 'batchEmbedContents' | 'unknown';

/** One request the fake received. */
export interface GeminiRequestRecord {
  readonly seq: number;
  readonly method: string;
  /** Path without the query: `/v1beta/models/gemini-2.5-flash:generateContent`. */
  readonly path: string;
  /** Query parameters (last value wins): `alt` for streams — and `key` must never be here. */
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or the raw text. */
  readonly body: unknown;
  /** The model of the URL (`gemini-2.5-flash`), null for other paths. */
  readonly model: string | null;
  readonly action: GeminiAction;
  /** Which behaviour served it. */
  behaviour: GeminiBehaviour['kind'] | 'not-found' | 'bad-request' | 'bad-key';
  status: number | null;
  eventsSent: number;
  /** `pending`, then `completed`, `client-closed` or `closed`. */
  outcome: 'pending' | 'completed' | 'client-closed' | 'closed';
}

/** Options of one fake. */
export interface FakeGeminiOptions {
  /** Used in default answers. Default `gemini`. */
  readonly name?: string;
  /** When set, requests whose `x-goog-api-key` differs get Google's 400 API_KEY_INVALID answer. */
  readonly apiKey?: string;
}

/** A running fake Gemini API. */
export interface FakeGemini {
  readonly name: string;
  /** `http://127.0.0.1:PORT/v1beta`: the provider's `base_url`. */
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: readonly GeminiRequestRecord[];
  /** Serves requests once the script is empty; default `ok()`. */
  fallback: GeminiBehaviour;
  /** Appends behaviours; each request consumes the next one. */
  script(...behaviours: readonly GeminiBehaviour[]): void;
  /** Forgets requests and script, restores the fallback. */
  reset(): void;
  /** Resolves once no request is pending. */
  waitForSettled(timeoutMs?: number): Promise<void>;
  /** Ends every exchange and stops listening. */
  close(): Promise<void>;
}
