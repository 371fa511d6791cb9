import { refuse } from './domain-error.js';

/** Money is integer euro cents, never floating point (invariant 7). */
export type Cents = number;

/**
 * The largest amount of any one figure: EUR 100 billion, far above any regional programme. With it,
 * and a call's commitments bounded by COMMITMENT_LIMIT times its budget, every running total the
 * ledger keeps (a fund's gross commitments over any number of award and revocation cycles
 * included) stays below 2^53, where JavaScript numbers are exact (docs/security.md).
 */
export const MAX_AMOUNT_CENTS = 10_000_000_000_000;

/** How many times over its budget a call may commit, counting what revocations handed back. */
export const COMMITMENT_LIMIT = 100;

export function assertPositiveCents(value: number, what: string): Cents {
  if (!Number.isSafeInteger(value) || value <= 0) {
    refuse('INVALID_AMOUNT', `${what} must be a positive integer number of cents, got ${String(value)}`);
  }
  if (value > MAX_AMOUNT_CENTS)
    refuse('INVALID_AMOUNT', `${what} must be at most ${MAX_AMOUNT_CENTS} cents, got ${value}`);
  return value;
}

export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
