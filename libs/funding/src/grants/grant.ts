import type { Evolving } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever, type AidRegime, type Instant } from '../funding.types.js';
import { entitlementCents, netPaidCents, type GrantMoney } from '../figures.js';
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
        claims:
          d.claimId === null
            ? state.claims
            : state.claims.map((c) => (c.claimId === d.claimId ? { ...c, paidCents: c.paidCents + d.amountCents } : c)),
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
      const claim: GrantClaim = {
        claimId: d.claimId,
        kind: d.kind,
        itemCents: d.items.map((i) => i.amountCents),
        declaredCents: d.declaredCents,
        status: 'submitted',
        eligibleCents: 0,
        verifiedBy: null,
        paidCents: 0,
      };
      return { ...state, claims: [...state.claims, claim] };
    }
    case 'ExpenditureClaimVerified': {
      const d = event.data;
      return {
        ...state,
        releasedCents: state.releasedCents + d.releasedCents,
        recoveryDueCents: d.recoveryDueCents,
        claims: state.claims.map((c) =>
          c.claimId === d.claimId
            ? { ...c, status: 'verified', eligibleCents: d.eligibleCents, verifiedBy: d.verifiedBy }
            : c,
        ),
      };
    }
    case 'RecoveryOrdered':
      return {
        ...state,
        recoveryOrderedCents: state.recoveryOrderedCents + event.data.amountCents,
        recoveryRecordIds: [...state.recoveryRecordIds, event.data.orderId],
      };
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

/**
 * The money rules every decision on a grant applies, defined with the figures the read models show
 * (figures.ts); the decisions import them from here.
 */
export {
  coveredCents,
  entitlementCents,
  netPaidCents,
  outstandingRecoveryCents,
  payableCents,
  remainingAwardCents,
  verifiedEligibleCents,
} from '../figures.js';

/**
 * The part of the call's budget a grant still holds. An active grant holds what it is entitled to
 * (its award, until the final claim fixes less), or what it was paid net of recoveries if that is
 * more; a completed or revoked grant holds only what was paid and not recovered. Every change of
 * this figure is released to the call exactly once (invariant 6).
 */
export function heldCents(grant: GrantMoney): Cents {
  return grant.status === 'active' ? Math.max(entitlementCents(grant), netPaidCents(grant)) : netPaidCents(grant);
}

/** Paid beyond the entitlement: what the grant owes back in all, received or not. */
export function recoveryDueTotalCents(grant: GrantMoney): Cents {
  const entitled = grant.status === 'revoked' ? 0 : entitlementCents(grant);
  return Math.max(0, grant.paidCents - entitled);
}

/** Recovery ordered and neither received nor written off yet: while it runs, the beneficiary's records are kept. */
export function openRecoveryCents(
  grant: Pick<ExistingGrant, 'recoveryOrderedCents' | 'recoveredCents' | 'writtenOffCents'>,
): Cents {
  return Math.max(0, grant.recoveryOrderedCents - grant.recoveredCents - grant.writtenOffCents);
}

export function requireGrant(state: Grant, grantId: string): ExistingGrant {
  if (state.status === 'none') refuse('GRANT_NOT_FOUND', `Grant ${grantId} does not exist`);
  return state;
}
