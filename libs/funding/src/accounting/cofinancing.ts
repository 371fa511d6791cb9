import { refuse } from '../domain-error.js';
import type { Cents } from '../money.js';

/**
 * Who pays each euro of a fund share's public contribution, in basis points summing to 10,000:
 * the EU fund, the State (for Italy the rotation fund of law 183/1987) and the region. WECARE, POR
 * 2014-2020: 5,000 / 3,500 / 1,500.
 */
export interface Cofinancing {
  readonly euBp: number;
  readonly nationalBp: number;
  readonly regionalBp: number;
}

/** An amount of public contribution as its co-financing splits it; the three parts sum to it exactly. */
export interface ContributionSplit {
  readonly euCents: Cents;
  readonly nationalCents: Cents;
  readonly regionalCents: Cents;
}

export const WHOLE_BP = 10_000;

/** Refuses a split whose shares are not whole basis points summing to 10,000. */
export function assertCofinancing(cofinancing: Cofinancing, what: string): Cofinancing {
  const parts = [cofinancing.euBp, cofinancing.nationalBp, cofinancing.regionalBp];
  if (parts.some((bp) => !Number.isInteger(bp) || bp < 0 || bp > WHOLE_BP))
    refuse('INVALID_INPUT', `${what}: each co-financing share is 0 to 10000 basis points`);
  const total = parts[0]! + parts[1]! + parts[2]!;
  if (total !== WHOLE_BP)
    refuse('INVALID_INPUT', `${what}: the co-financing shares must sum to 10000 basis points, they sum to ${total}`);
  return { euBp: cofinancing.euBp, nationalBp: cofinancing.nationalBp, regionalBp: cofinancing.regionalBp };
}

/**
 * Splits an amount of public contribution (integer cents, negative for a deduction) by its
 * co-financing. Each part is rounded toward zero; the cents left over (at most two) go one each to
 * the parts with the largest remainders, ties to the EU, then the State, then the region: the same
 * amount always splits the same way, and the parts sum to the amount to the cent. A deduction splits
 * as the mirror of its amount, so that declaring an amount and deducting it again nets every part to zero.
 */
export function splitContribution(amountCents: Cents, cofinancing: Cofinancing): ContributionSplit {
  if (!Number.isSafeInteger(amountCents)) throw new RangeError(`Not an amount of cents: ${amountCents}`);
  if (amountCents < 0) {
    const mirror = splitContribution(-amountCents, cofinancing);
    return { euCents: -mirror.euCents, nationalCents: -mirror.nationalCents, regionalCents: -mirror.regionalCents };
  }
  const amount = BigInt(amountCents);
  const shares = [cofinancing.euBp, cofinancing.nationalBp, cofinancing.regionalBp].map((bp) => {
    const product = amount * BigInt(bp);
    return { whole: product / 10_000n, remainder: product % 10_000n };
  });
  let left = amount - shares.reduce((sum, s) => sum + s.whole, 0n);
  const order = [0, 1, 2].sort((a, b) => {
    const byRemainder = shares[b]!.remainder - shares[a]!.remainder;
    return byRemainder === 0n ? a - b : byRemainder > 0n ? 1 : -1;
  });
  const parts = shares.map((s) => s.whole);
  for (const i of order) {
    if (left === 0n) break;
    // A share of nothing takes no leftover cent.
    if (shares[i]!.remainder === 0n) continue;
    parts[i]! += 1n;
    left -= 1n;
  }
  return { euCents: Number(parts[0]), nationalCents: Number(parts[1]), regionalCents: Number(parts[2]) };
}

/** Two splits added part by part. */
export function addSplits(a: ContributionSplit, b: ContributionSplit): ContributionSplit {
  return {
    euCents: a.euCents + b.euCents,
    nationalCents: a.nationalCents + b.nationalCents,
    regionalCents: a.regionalCents + b.regionalCents,
  };
}

export const NO_CONTRIBUTION: ContributionSplit = { euCents: 0, nationalCents: 0, regionalCents: 0 };
