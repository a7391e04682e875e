/** Reusable flag rules: when does a field's change loosen security or raise spend. */
import type { DiffFlag } from './types.ts';

/** A rule deciding the flags of one field's change. */
export type FlagRule<V> = (before: V, after: V) => readonly DiffFlag[];

/** Flags when a number goes up; null on either side never flags. */
export function whenRaised(...flags: DiffFlag[]): FlagRule<number | null> {
  return (before, after) => (before !== null && after !== null && after > before ? flags : []);
}

/** Flags when a number goes down; null on either side never flags. */
export function whenLowered(...flags: DiffFlag[]): FlagRule<number | null> {
  return (before, after) => (before !== null && after !== null && after < before ? flags : []);
}

/** Flags when a switch goes from off to on. */
export function whenTurnedOn(...flags: DiffFlag[]): FlagRule<boolean> {
  return (before, after) => (!before && after ? flags : []);
}

/** Flags when a switch goes from on to off. */
export function whenTurnedOff(...flags: DiffFlag[]): FlagRule<boolean> {
  return (before, after) => (before && !after ? flags : []);
}

/** Flags when a value moves later in `order` (listed from strictest or cheapest to loosest or dearest). */
export function whenLater<V>(order: readonly V[], ...flags: DiffFlag[]): FlagRule<V> {
  return (before, after) => (order.indexOf(after) > order.indexOf(before) ? flags : []);
}
