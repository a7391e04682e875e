/**
 * A cheap cancellation signal. The runtime needs the small part of AbortSignal below on
 * every request and every attempt; a real AbortController costs several microseconds on
 * Node 20 (it is made transferable), so internal signals use this instead. An AbortSignal
 * satisfies the same interface, so the two mix freely.
 * @module
 */

/** The part of AbortSignal the runtime and its HTTP client use. */
export interface StopSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A signal and the means to fire it (like AbortController, without the platform cost). */
export class Stop implements StopSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] = [];

  /** Fires once with `reason`; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }
}
