/** Types of a behaviour diff between two Plans: the shape `sluice diff --format json` prints. */

/** Area of the Plan a change belongs to; also the fixed order of sections in every format. */
export type DiffSection =
  | 'gateway'
  | 'providers'
  | 'routes'
  | 'consumers'
  | 'limits'
  | 'cache'
  | 'logging'
  | 'alerts'
  | 'edge'
  | 'guardrails'
  | 'prices';

/** What happened to the subject of a change. */
export type ChangeAction = 'added' | 'changed' | 'removed';

/** Marks a change a reviewer must look at twice. */
export type DiffFlag = 'loosens-security' | 'raises-spend';

/** One behaviour change, in plain words. */
export interface Change {
  readonly section: DiffSection;
  /** What changed, e.g. `consumer team-search`, `route chat`, `logging`. */
  readonly subject: string;
  readonly action: ChangeAction;
  /** One line a reviewer reads, starting with the subject: `route chat: retry attempts 1 → 3`. */
  readonly message: string;
  /** The compared value before the change (JSON, secrets masked); absent for additions. */
  readonly before?: unknown;
  /** The compared value after the change (JSON, secrets masked); absent for removals. */
  readonly after?: unknown;
  /** Sorted; empty when the change neither loosens security nor raises spend. */
  readonly flags: readonly DiffFlag[];
}

/** Which Plan one side of the diff is. */
export interface PlanRef {
  readonly hash: string;
  readonly gateway: string;
  readonly stage: string;
}

/** Counts over `changes`. */
export interface DiffSummary {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly loosensSecurity: number;
  readonly raisesSpend: number;
}

/** The behaviour diff of two Plans. `version` is bumped on any incompatible change of this shape. */
export interface PlanDiff {
  readonly version: 1;
  readonly base: PlanRef;
  readonly head: PlanRef;
  /** Ordered by section (fixed order), then subject, then message. */
  readonly changes: readonly Change[];
  readonly summary: DiffSummary;
}

/** Output formats of `formatDiff`. */
export type DiffFormat = 'text' | 'markdown' | 'json';

/** A change before it is placed in a section and given its subject (what section modules build). */
export interface Finding {
  readonly action: ChangeAction;
  /** The message without the `<subject>: ` prefix. */
  readonly detail: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly flags: readonly DiffFlag[];
}
