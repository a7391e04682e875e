/**
 * Spend rules over the price table: which model changes can raise what a gateway spends.
 * A model's cost is input + output USD per million tokens; an unknown price counts as
 * possibly raising spend.
 */
import type { Plan } from '../../runtime/plan.ts';

/** Cost per million tokens (input + output) of a `<provider>/<model>`, or null when unpriced. */
export type PriceBook = (target: string) => number | null;

/** Prices from the head Plan, falling back to the base Plan for models the head no longer prices. */
export function priceBook(base: Plan, head: Plan): PriceBook {
  return (target) => {
    const price = head.prices[target] ?? base.prices[target];
    return price === undefined ? null : price.input + price.output;
  };
}

/** Highest cost among `targets`; null when any is unpriced; 0 for none. */
export function maxCost(book: PriceBook, targets: readonly string[]): number | null {
  let max = 0;
  for (const target of targets) {
    const cost = book(target);
    if (cost === null) return null;
    max = Math.max(max, cost);
  }
  return max;
}

/**
 * True when `targets` bring a model the route could not reach before (`reachedBefore`) that
 * costs more than everything it reached, or whose price (or the old ones') is unknown.
 */
export function addsCostlierModel(book: PriceBook, reachedBefore: readonly string[], targets: readonly string[]): boolean {
  const fresh = targets.filter((t) => !reachedBefore.includes(t));
  if (fresh.length === 0) return false;
  const before = maxCost(book, reachedBefore);
  const after = maxCost(book, fresh);
  return before === null || after === null || after > before;
}

/**
 * True when moving traffic away from `losers` (each a node's targets) towards `gainers` can
 * raise spend: some gainer costs more than the cheapest loser node, or a price is unknown.
 */
export function shiftCanRaiseSpend(
  book: PriceBook,
  gainers: readonly string[],
  losers: readonly (readonly string[])[],
): boolean {
  if (gainers.length === 0 || losers.length === 0) return false;
  const gain = maxCost(book, gainers);
  const loserCosts = losers.map((targets) => maxCost(book, targets));
  if (gain === null || loserCosts.includes(null)) return true;
  return gain > Math.min(...loserCosts.map((c) => c ?? 0));
}
