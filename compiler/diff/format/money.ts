/** Money formatting for diff messages (USD). */
import { formatCount } from './number.ts';

/**
 * US dollars: whole amounts plain (`$500`, `$20,000`), cents with two decimals (`$0.80`,
 * `$12.50`), smaller fractions with up to four (`$0.075`, `$0.0001`).
 */
export function formatUsd(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const value = Math.abs(amount);
  if (Number.isInteger(value)) return `${sign}$${formatCount(value)}`;
  const cents = Math.round(value * 100);
  if (Math.abs(cents - value * 100) < 1e-9) {
    const whole = Math.floor(cents / 100);
    return `${sign}$${formatCount(whole)}.${String(cents % 100).padStart(2, '0')}`;
  }
  return `${sign}$${String(Number(value.toFixed(4)))}`;
}

/** A price per million tokens: `$0.80/M`. */
export function formatPerMillion(amount: number): string {
  return `${formatUsd(amount)}/M`;
}
