/**
 * The clocks of one attempt: the per-attempt timeout (or, for streams, the first-token
 * timeout until the first event and then an idle timeout between events), tied to the
 * request's own signal (client disconnect, deadline).
 * @module
 */
import { Stop, type StopSignal } from '../core/stop.ts';
import type { StopReason } from './call.ts';

/** Why an attempt was stopped. */
export type AttemptStop = StopReason | 'timeout' | 'first_token';

/** One attempt's abort signal and timers. */
export class AttemptClock {
  private readonly controller = new Stop();
  private timer: ReturnType<typeof setTimeout> | null;
  private readonly onParent: () => void;

  /**
   * @param parent the request's signal (reason: a StopReason)
   * @param ms time until the first stop
   * @param first what that stop means: the attempt timeout, or the first-token timeout
   * @param idleMs after commit, the longest gap between events
   */
  constructor(
    private readonly parent: StopSignal,
    ms: number,
    first: 'timeout' | 'first_token',
    private readonly idleMs: number = ms,
  ) {
    this.onParent = () => this.controller.abort(parent.reason);
    if (parent.aborted) this.onParent();
    else parent.addEventListener('abort', this.onParent, { once: true });
    this.timer = setTimeout(() => this.controller.abort(first), ms);
  }

  /** Aborts the attempt's exchange. */
  get signal(): StopSignal {
    return this.controller;
  }

  /** Why the attempt was stopped, or null while it runs. */
  reason(): AttemptStop | null {
    return this.controller.aborted ? (this.controller.reason as AttemptStop) : null;
  }

  /** Switches from the first-token clock to the idle clock. */
  commit(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort('timeout' satisfies AttemptStop), this.idleMs);
  }

  /** Restarts the idle clock after an event. */
  touch(): void {
    this.timer?.refresh();
  }

  /** Stops every timer and listener. */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.parent.removeEventListener('abort', this.onParent);
  }
}
