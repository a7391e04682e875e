/** Prices section: edits to the price of a model both Plans can reach. */
import type { Plan, PlanPrice } from '../../../runtime/plan.ts';
import { changed, toChanges } from '../change.ts';
import { formatPerMillion } from '../format/money.ts';
import { unionKeys } from '../format/list.ts';
import type { Change, Finding } from '../types.ts';

/** The numeric parts of a price. */
type PricePart = Exclude<keyof PlanPrice, 'source'>;

const PRICE_PARTS: readonly (readonly [PricePart, string])[] = [
  ['input', 'input'],
  ['output', 'output'],
  ['cachedInput', 'cached input'],
  ['cacheWrite', 'cache write'],
  ['reasoning', 'reasoning'],
];

function priceFindings(base: PlanPrice, head: PlanPrice): Finding[] {
  const parts = PRICE_PARTS.filter(([key]) => base[key] !== head[key]).map(
    ([key, label]) => `${label} ${formatPerMillion(base[key])} → ${formatPerMillion(head[key])}`,
  );
  const source = base.source !== head.source ? [`source ${base.source} → ${head.source}`] : [];
  const all = [...parts, ...source];
  return all.length === 0 ? [] : [changed(all.join(', '), { before: base, after: head })];
}

/**
 * Price table edits, always neutral: they change how spend is counted, not what is spent.
 * Prices that appear or disappear with a route's models are part of that route's change.
 */
export function diffPrices(base: Plan, head: Plan): Change[] {
  return unionKeys(base.prices, head.prices).flatMap((model) => {
    const b = base.prices[model];
    const h = head.prices[model];
    return b === undefined || h === undefined ? [] : toChanges('prices', `price ${model}`, priceFindings(b, h));
  });
}
