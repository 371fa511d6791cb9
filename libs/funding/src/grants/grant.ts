import type { Evolving } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever, type AidRegime, type Instant } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { ClaimKind } from '../expenditure/expenditure.events.js';
import { grantDateOf, type GrantEvent } from './grant.events.js';

export const GRANT_STATUSES = ['active', 'completed', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** A claim as the grant's decisions need it. */
export type GrantClaim = {
  readonly claimId: string;
  readonly kind: ClaimKind;
  /** Each item's declared amount, by position. */
  readonly itemCents: readonly Cents[];
  readonly declaredCents: Cents;
  readonly status: 'submitted' | 'verified';
  readonly eligibleCents: Cents;
  readonly verifiedBy: string | null;
  /** Paid by disbursements that name this claim. */
  readonly paidCents: Cents;
};

export type ExistingGrant = {
  readonly status: GrantStatus;
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  /** The principal that submitted the bid: the beneficiary's channel. */
  readonly submittedBy: string;
  /** A natural person beneficiary's subject id (null for a legal person): whose erasure this grant's records may hold. */
  readonly beneficiarySubjectId: string | null;
  readonly cup: string;
  readonly aidRegime: AidRegime;
  /** The day its aid was granted, YYYY-MM-DD (`grantDateOf`: the award act's date): State aid records are kept 10 years from it. */
  readonly grantDate: string;
  /** When the last payment was made: where the retention of its records is counted from. */
  readonly lastPaidAt: Instant | null;
  readonly programmeId: string;
  readonly measureId: string;
  /** The award as first made. */
  readonly originalAwardCents: Cents;
  /** The award now: the original less every partial revocation. */
  readonly currentAwardCents: Cents;
  /** The operation's total eligible cost: verified eligible expenditure never goes beyond it. */
  readonly totalEligibleCostCents: Cents;
  /** The operation's planned dates (YYYY-MM-DD): its expenditure is paid between them. */
  readonly operationDates: { readonly from: string; readonly to: string };
  /**
   * Basis points of verified eligible expenditure it is paid, up to the award (its call's funding
   * rate); null on a grant awarded before calls had one: the aid intensity, award / total eligible cost.
   */
  readonly fundingRateBp: number | null;
  /** Basis points of the award payable as an advance before any verified expenditure. */
  readonly advanceShareBp: number;
  /** Every disbursement, gross of recoveries. */
  readonly paidCents: Cents;
  readonly advancePaidCents: Cents;
  /** Everything this grant has handed back to its call. */
  readonly releasedCents: Cents;
  /** Every euro established as paid beyond what the grant is entitled to: paid − entitlement, when positive. */
  readonly recoveryDueCents: Cents;
  readonly recoveryOrderedCents: Cents;
  /** Principal received back. */
  readonly recoveredCents: Cents;
  readonly interestReceivedCents: Cents;
  readonly writtenOffCents: Cents;
  readonly disbursementIds: readonly string[];
  /** The ids of recovery orders and receipts, each recorded once. */
  readonly recoveryRecordIds: readonly string[];
  readonly claims: readonly GrantClaim[];
};

/** A grant ("contributo concesso"): the stream that owns its claims, payments and recoveries (invariants 5, 6, 12). */
export type Grant = { readonly status: 'none' } | ExistingGrant;

export function evolveGrant(state: Grant, event: GrantEvent): Grant {
  if (event.type === 'GrantAwarded') {
    const d = event.data;
    return {
      status: 'active',
      grantId: d.grantId,
      callId: d.callId,
      bidId: d.bidId,
      submittedBy: d.submittedBy,
      beneficiarySubjectId: d.beneficiary.kind === 'natural-person' ? d.beneficiary.subjectId : null,
      cup: d.cup,
      aidRegime: d.aidRegime,
      grantDate: grantDateOf(d),
      lastPaidAt: null,
      programmeId: d.programmeId,
      measureId: d.measureId,
      originalAwardCents: d.amountCents,
      currentAwardCents: d.amountCents,
      totalEligibleCostCents: d.operation.totalEligibleCostCents,
      operationDates: { from: d.operation.plannedStartDate, to: d.operation.plannedEndDate },
      fundingRateBp: d.fundingRateBp,
      advanceShareBp: d.advanceShareBp,
      paidCents: 0,
      advancePaidCents: 0,
      releasedCents: 0,
      recoveryDueCents: 0,
      recoveryOrderedCents: 0,
      recoveredCents: 0,
      interestReceivedCents: 0,
      writtenOffCents: 0,
      disbursementIds: [],
      recoveryRecordIds: [],
      claims: [],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'DisbursementRecorded': {
      const d = event.data;
      return {
        ...state,
        paidCents: state.paidCents + d.amountCents,
        lastPaidAt: d.paidAt,
        advancePaidCents: state.advancePaidCents + (d.kind === 'advance' ? d.amountCents : 0),
        disbursementIds: [...state.disbursementIds, d.disbursementId],
        claims: d.claimId === null ? state.claims : state.claims.map((c) => (c.claimId === d.claimId ? { ...c, paidCents: c.paidCents + d.amountCents } : c)),
      };
    }
    case 'GrantCompleted':
      return { ...state, status: 'completed', releasedCents: state.releasedCents + event.data.releasedCents };
    case 'GrantRevoked':
      return {
        ...state,
        status: event.data.whole ? 'revoked' : state.status,
        currentAwardCents: event.data.awardAfterCents,
        releasedCents: state.releasedCents + event.data.releasedCents,
        recoveryDueCents: event.data.recoveryDueCents,
      };
    case 'ExpenditureClaimSubmitted': {
      const d = event.data;
      const claim: GrantClaim = { claimId: d.claimId, kind: d.kind, itemCents: d.items.map((i) => i.amountCents), declaredCents: d.declaredCents, status: 'submitted', eligibleCents: 0, verifiedBy: null, paidCents: 0 };
      return { ...state, claims: [...state.claims, claim] };
    }
    case 'ExpenditureClaimVerified': {
      const d = event.data;
      return {
        ...state,
        releasedCents: state.releasedCents + d.releasedCents,
        recoveryDueCents: d.recoveryDueCents,
        claims: state.claims.map((c) => (c.claimId === d.claimId ? { ...c, status: 'verified', eligibleCents: d.eligibleCents, verifiedBy: d.verifiedBy } : c)),
      };
    }
    case 'RecoveryOrdered':
      return { ...state, recoveryOrderedCents: state.recoveryOrderedCents + event.data.amountCents, recoveryRecordIds: [...state.recoveryRecordIds, event.data.orderId] };
    case 'RecoveryReceived':
      return {
        ...state,
        recoveredCents: state.recoveredCents + event.data.amountCents,
        interestReceivedCents: state.interestReceivedCents + event.data.interestCents,
        releasedCents: state.releasedCents + event.data.releasedCents,
        recoveryRecordIds: [...state.recoveryRecordIds, event.data.receiptId],
      };
    case 'RecoveryWrittenOff':
      return { ...state, writtenOffCents: state.writtenOffCents + event.data.amountCents };
    // The beneficiary's identity is gone from the vault; the grant's money and records are as they were.
    case 'GrantBeneficiaryErased':
      return state;
    default:
      return assertNever(event);
  }
}

export const GRANT: Evolving<Grant, GrantEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveGrant,
};

type Money = Pick<ExistingGrant, 'status' | 'currentAwardCents' | 'totalEligibleCostCents' | 'fundingRateBp' | 'paidCents' | 'advancePaidCents' | 'recoveredCents' | 'claims'>;

/** What was paid and not recovered: the managing authority's outlay on the grant. */
export function netPaidCents(grant: Pick<ExistingGrant, 'paidCents' | 'recoveredCents'>): Cents {
  return grant.paidCents - grant.recoveredCents;
}

/**
 * What an amount of verified eligible expenditure entitles the grant to: the funding rate times it,
 * rounded down to the cent, never above the current award (docs/adr/0011). A grant awarded before
 * calls had a funding rate keeps the rule it was awarded under: the aid intensity, current award /
 * total eligible cost. Computed in integers: the product may pass 2^53.
 */
export function coveredCents(grant: Pick<ExistingGrant, 'currentAwardCents' | 'totalEligibleCostCents' | 'fundingRateBp'>, eligibleCents: Cents): Cents {
  const [numerator, denominator] = grant.fundingRateBp === null ? [grant.currentAwardCents, grant.totalEligibleCostCents] : [grant.fundingRateBp, 10_000];
  if (denominator <= 0) return 0;
  const covered = Number((BigInt(numerator) * BigInt(eligibleCents)) / BigInt(denominator));
  return Math.min(grant.currentAwardCents, covered);
}

export function verifiedEligibleCents(grant: Pick<ExistingGrant, 'claims'>): Cents {
  return grant.claims.reduce((sum, c) => sum + (c.status === 'verified' ? c.eligibleCents : 0), 0);
}

export function finalClaimVerified(grant: Pick<ExistingGrant, 'claims'>): boolean {
  return grant.claims.some((c) => c.kind === 'final' && c.status === 'verified');
}

/**
 * What the grant may keep in the end: its current award, until its final claim is verified; then
 * the funding rate times all the expenditure verified, within the award (the final claim is
 * verified last, and awards are only ever reduced: it never rises).
 */
export function entitlementCents(grant: Money): Cents {
  return finalClaimVerified(grant) ? coveredCents(grant, verifiedEligibleCents(grant)) : grant.currentAwardCents;
}

/**
 * How much may have been paid in all (net of recoveries) now (invariant 12): within the award, the
 * funding rate times the expenditure verified so far, or the advance already paid if that is more (the
 * advance is offset against verified expenditure); once the final claim is verified, the entitlement.
 */
export function payableCents(grant: Money): Cents {
  if (finalClaimVerified(grant)) return entitlementCents(grant);
  return Math.min(grant.currentAwardCents, Math.max(grant.advancePaidCents, coveredCents(grant, verifiedEligibleCents(grant))));
}

/**
 * The part of the call's budget a grant still holds. An active grant holds what it is entitled to
 * (its award, until the final claim fixes less), or what it was paid net of recoveries if that is
 * more; a completed or revoked grant holds only what was paid and not recovered. Every change of
 * this figure is released to the call exactly once (invariant 6).
 */
export function heldCents(grant: Money): Cents {
  return grant.status === 'active' ? Math.max(entitlementCents(grant), netPaidCents(grant)) : netPaidCents(grant);
}

/** Paid beyond the entitlement: what the grant owes back in all, received or not. */
export function recoveryDueTotalCents(grant: Money): Cents {
  const entitled = grant.status === 'revoked' ? 0 : entitlementCents(grant);
  return Math.max(0, grant.paidCents - entitled);
}

/**
 * The part of the advance that verified expenditure does not cover yet: what was paid, net of
 * recoveries, beyond what the expenditure verified so far entitles the grant to (`coveredCents`),
 * as far as the advance accounts for it; never negative, never more than the advance. Verified
 * expenditure pays for interim and final payments first (they are paid on it), and what is left of
 * it covers the advance, which is how `payableCents` offsets the advance against it.
 */
export function advanceUncoveredCents(grant: Parameters<typeof coveredCents>[0] & Pick<ExistingGrant, 'paidCents' | 'advancePaidCents' | 'recoveredCents'>, verifiedCents: Cents): Cents {
  return Math.min(grant.advancePaidCents, Math.max(0, netPaidCents(grant) - coveredCents(grant, verifiedCents)));
}

/** Recovery ordered and neither received nor written off yet: while it runs, the beneficiary's records are kept. */
export function openRecoveryCents(grant: Pick<ExistingGrant, 'recoveryOrderedCents' | 'recoveredCents' | 'writtenOffCents'>): Cents {
  return Math.max(0, grant.recoveryOrderedCents - grant.recoveredCents - grant.writtenOffCents);
}

/** Due, neither received nor written off. */
export function outstandingRecoveryCents(grant: Pick<ExistingGrant, 'recoveryDueCents' | 'recoveredCents' | 'writtenOffCents'>): Cents {
  return grant.recoveryDueCents - grant.recoveredCents - grant.writtenOffCents;
}

export function requireGrant(state: Grant, grantId: string): ExistingGrant {
  if (state.status === 'none') refuse('GRANT_NOT_FOUND', `Grant ${grantId} does not exist`);
  return state;
}
