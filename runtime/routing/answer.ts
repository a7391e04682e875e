/**
 * A successful attempt: a whole JSON answer, or a stream whose first upstream event has
 * been seen and translated (so the 200 can be committed) with the rest still to come.
 * @module
 */
import type { JsonObject, Usage } from '../openai/types.ts';
import type { StreamStep, StreamTranslator } from '../providers/types.ts';
import type { SseEvent } from '../sse/types.ts';
import type { Failure } from './failure.ts';

/** Where the answer came from. */
export interface Served {
  readonly provider: string;
  readonly model: string;
}

/** Upstream events still to come, batch by batch (null at the end of the body). */
export interface EventSource {
  next(): Promise<readonly SseEvent[] | null>;
  /** Stops reading and releases the upstream connection. */
  cancel(): void;
}

/** The rest of a committed stream and the clocks that still apply to it. */
export interface StreamTail {
  readonly events: EventSource;
  readonly translator: StreamTranslator;
  /** Restarts the idle clock; call on every upstream event. */
  touch(): void;
  /** The failure to report when the upstream stream stops for a reason of ours (timeout, deadline). */
  stopFailure(): Failure | null;
  /** Ends the attempt's timers. */
  dispose(): void;
}

/** A successful attempt. */
export type Answer =
  | {
      readonly kind: 'json';
      readonly served: Served;
      readonly text: string;
      readonly value: JsonObject;
      readonly usage: Usage | null;
      /** True when the answer is already in the client's API (native pass-through), not canonical chat. */
      readonly native: boolean;
    }
  | {
      readonly kind: 'stream';
      readonly served: Served;
      /** What the events seen before committing translated to (chunks or native events). */
      readonly first: readonly ContentStep[];
      readonly usage: Usage | null;
      /** The stream already ended (everything arrived before commit). */
      readonly ended: boolean;
      readonly tail: StreamTail;
    };

/** A stream step that carries content for the client. */
export type ContentStep = Extract<StreamStep, { kind: 'chunks' | 'events' }>;

/** The result of running a strategy node. */
export type Outcome = { readonly ok: true; readonly answer: Answer } | { readonly ok: false; readonly failure: Failure };
