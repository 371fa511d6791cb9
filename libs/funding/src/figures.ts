import type { ClaimKind } from './expenditure/expenditure.events.js';
import type { GrantStatus } from './grants/grant.js';
import type { Cents } from './money.js';

/**
 * The figures derived from others, each defined once: the grant's decisions (grants/grant.ts) and
 * the read models that show them compute them here, on their own figures.
 */

/** What turns verified expenditure into money: the award now, the operation's total eligible cost, the funding rate. */
export interface FundingTerms {
  readonly currentAwardCents: Cents;
  readonly totalEligibleCostCents: Cents;
  /** Basis points of verified eligible expenditure paid, up to the award; null: awarded before calls had one (award / total eligible cost). */
  readonly fundingRateBp: number | null;
}

/** A claim, as far as a grant's money reads it: what was verified eligible, and whether it is the final claim. */
export interface ClaimFigures {
  readonly kind: ClaimKind;
  readonly status: 'submitted' | 'verified';
  readonly eligibleCents: Cents;
}

/** A grant's money: as its state keeps it (grants/grant.ts), or a read model does. */
export interface GrantMoney extends FundingTerms {
  readonly status: GrantStatus;
  /** Every disbursement, gross of recoveries. */
  readonly paidCents: Cents;
  readonly advancePaidCents: Cents;
  /** Principal received back. */
  readonly recoveredCents: Cents;
  readonly claims: readonly ClaimFigures[];
}

/** Money due back: in all, received, written off. */
export interface RecoveryFigures {
  readonly recoveryDueCents: Cents;
  readonly recoveredCents: Cents;
  readonly writtenOffCents: Cents;
}

/** What was paid and not recovered: the managing authority's outlay on the grant. */
export function netPaidCents(grant: Pick<GrantMoney, 'paidCents' | 'recoveredCents'>): Cents {
  return grant.paidCents - grant.recoveredCents;
}

/**
 * What an amount of verified eligible expenditure entitles the grant to: the funding rate times it,
 * rounded down to the cent, never above the current award (docs/adr/0011). A grant awarded before
 * calls had a funding rate keeps the rule it was awarded under: the aid intensity, current award /
 * total eligible cost. Computed in integers: the product may pass 2^53.
 */
export function coveredCents(grant: FundingTerms, eligibleCents: Cents): Cents {
  const [numerator, denominator] =
    grant.fundingRateBp === null
      ? [grant.currentAwardCents, grant.totalEligibleCostCents]
      : [grant.fundingRateBp, 10_000];
  if (denominator <= 0) return 0;
  const covered = Number((BigInt(numerator) * BigInt(eligibleCents)) / BigInt(denominator));
  return Math.min(grant.currentAwardCents, covered);
}

export function verifiedEligibleCents(grant: Pick<GrantMoney, 'claims'>): Cents {
  return grant.claims.reduce((sum, c) => sum + (c.status === 'verified' ? c.eligibleCents : 0), 0);
}

export function finalClaimVerified(grant: Pick<GrantMoney, 'claims'>): boolean {
  return grant.claims.some((c) => c.kind === 'final' && c.status === 'verified');
}

/**
 * What the grant may keep in the end: its current award, until its final claim is verified; then
 * the funding rate times all the expenditure verified, within the award (the final claim is
 * verified last, and awards are only ever reduced: it never rises).
 */
export function entitlementCents(grant: FundingTerms & Pick<GrantMoney, 'claims'>): Cents {
  return finalClaimVerified(grant) ? coveredCents(grant, verifiedEligibleCents(grant)) : grant.currentAwardCents;
}

/**
 * How much may have been paid in all (net of recoveries) now (invariant 12): within the award, the
 * funding rate times the expenditure verified so far, or the advance already paid if that is more (the
 * advance is offset against verified expenditure); once the final claim is verified, the entitlement.
 */
export function payableCents(grant: FundingTerms & Pick<GrantMoney, 'advancePaidCents' | 'claims'>): Cents {
  if (finalClaimVerified(grant)) return entitlementCents(grant);
  return Math.min(
    grant.currentAwardCents,
    Math.max(grant.advancePaidCents, coveredCents(grant, verifiedEligibleCents(grant))),
  );
}

/**
 * The entitlement not paid yet: what the expenditure verified so far allows an active grant to be
 * paid beyond what it was paid (net of recoveries); nothing once it is completed or revoked, and
 * never below 0 (a grant paid beyond it owes the difference back instead).
 */
export function unpaidPayableCents(grant: GrantMoney): Cents {
  return grant.status === 'active' ? Math.max(0, payableCents(grant) - netPaidCents(grant)) : 0;
}

/** The award not paid yet: the current award less what was paid net of recoveries while active, never below 0; nothing once completed or revoked. */
export function remainingAwardCents(
  grant: Pick<GrantMoney, 'status' | 'currentAwardCents' | 'paidCents' | 'recoveredCents'>,
): Cents {
  return grant.status === 'active' ? Math.max(0, grant.currentAwardCents - netPaidCents(grant)) : 0;
}

/**
 * The part of the advance that verified expenditure does not cover yet: what was paid, net of
 * recoveries, beyond what the expenditure verified so far entitles the grant to (`coveredCents`),
 * as far as the advance accounts for it; never negative, never more than the advance. Verified
 * expenditure pays for interim and final payments first (they are paid on it), and what is left of
 * it covers the advance, which is how `payableCents` offsets the advance against it.
 */
export function advanceUncoveredCents(
  grant: FundingTerms & Pick<GrantMoney, 'paidCents' | 'advancePaidCents' | 'recoveredCents'>,
  verifiedCents: Cents,
): Cents {
  return Math.min(grant.advancePaidCents, Math.max(0, netPaidCents(grant) - coveredCents(grant, verifiedCents)));
}

/** Due, neither received nor written off. */
export function outstandingRecoveryCents(recovery: RecoveryFigures): Cents {
  return recovery.recoveryDueCents - recovery.recoveredCents - recovery.writtenOffCents;
}
