/**
 * The conformance suite's data: scenarios (what a client sends, and what must hold for any
 * provider) and transcripts (for one provider: the request Sluice must send, the provider's
 * documented answer, and what the client must get back).
 */
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import type { ProviderType } from '../../../../runtime/plan.ts';

/** Names of every scenario. */
export type ScenarioName =
  | 'plain'
  | 'params'
  | 'system-multi-turn'
  | 'tools'
  | 'tool-results'
  | 'image-url'
  | 'image-base64'
  | 'stream-text'
  | 'stream-usage'
  | 'stream-parallel-tools'
  | 'stream-error-midway'
  | 'error-rate-limited'
  | 'error-overloaded'
  | 'error-timeout'
  | 'error-server'
  | 'error-auth'
  | 'error-invalid-request'
  | 'error-context-length'
  | 'error-content-filtered'
  | 'embeddings';

/** What a client sends, the same for every provider. */
export interface Scenario {
  readonly name: ScenarioName;
  readonly description: string;
  readonly endpoint: 'chat' | 'embeddings';
  /** OpenAI-shape request body; `model` is set from the transcript. */
  readonly body: JsonObject;
}

/** A provider answer as recorded. */
export type RecordedResponse =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body: unknown }
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly events: readonly { readonly event?: string; readonly data: unknown }[] };

/** What the client must get. */
export type Expectation =
  /** A JSON answer; `body` must equal the client's body exactly, `usage` the usage Sluice counts. */
  | { readonly kind: 'json'; readonly body: unknown; readonly usage: JsonObject | null }
  /**
   * A stream: the exact chunks the client gets, then how it ends (`done`: the provider's own
   * end event; `ended`: the body simply ended, which the relay treats as a normal end only
   * after a finish reason), and the usage Sluice counts.
   */
  | { readonly kind: 'stream'; readonly chunks: readonly unknown[]; readonly end: 'done' | 'ended' | { readonly failure: { readonly class: string } }; readonly usage: JsonObject | null }
  /** A failed attempt of this class (with the provider's status and, when set, code). */
  | { readonly kind: 'failure'; readonly class: string; readonly status: number | null; readonly code?: string }
  /** Refused before sending: the client's request cannot be expressed for this provider. */
  | { readonly kind: 'unsupported'; readonly message: string };

/** One scenario for one provider. */
export interface Transcript {
  /** Where the provider's side was written from (a documentation page and section). */
  readonly source: string;
  /** The target model. */
  readonly model: string;
  /** The request Sluice must send: URL, method, the headers listed (others unchecked), body. Absent for `unsupported`. */
  readonly request?: { readonly url: string; readonly method: string; readonly headers?: Readonly<Record<string, string>>; readonly body: unknown };
  /** The provider's answer. Absent for `unsupported`. */
  readonly response?: RecordedResponse;
  readonly expect: Expectation;
}

/** Scenarios an adapter cannot take part in, with the reason (in `not-applicable.json`). */
export type NotApplicable = Partial<Record<ScenarioName, string>>;

/** Provider types that must pass the suite. */
export type ConformingType = Exclude<ProviderType, 'mock'>;
