/**
 * Server-sent events as values: streams are decoded into events once, before any provider
 * adapter sees them, and encoded back only at the edge.
 * @module
 */

/** One server-sent event. `event` is null for the default ("message") type. */
export interface SseEvent {
  readonly event: string | null;
  /** The data lines joined with "\n". */
  readonly data: string;
  readonly id: string | null;
}
