import { refuse } from './domain-error.js';

/** Money is integer euro cents, never floating point (invariant 7). */
export type Cents = number;

export function assertPositiveCents(value: number, what: string): Cents {
  if (!Number.isSafeInteger(value) || value <= 0) {
    refuse('INVALID_AMOUNT', `${what} must be a positive integer number of cents, got ${String(value)}`);
  }
  return value;
}

export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
