import type { ClaimKind } from '@app/funding';
import { readModel } from './projection.js';

/** A claim as first-level control's worklist shows it: its figures, not its items (those are on the grant). */
export interface ExpenditureClaimSummary {
  readonly [field: string]: unknown;
  readonly claimId: string;
  readonly grantId: string;
  readonly callId: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly kind: ClaimKind;
  readonly status: 'submitted' | 'verified';
  readonly itemCount: number;
  readonly declaredCents: number;
  readonly eligibleCents: number | null;
  readonly cutCents: number | null;
  readonly onTheSpot: boolean | null;
  readonly verifiedBy: string | null;
  /** Paid by the disbursements that settle it. */
  readonly paidCents: number;
  /** The applicant portal that submitted it. */
  readonly submittedBy: string;
  readonly submittedAt: string;
  readonly verifiedAt: string | null;
}

/** Every expenditure claim: `GET /expenditure-claims` (the controllers' worklist, oldest first). */
export const expenditureClaims = readModel<
  ExpenditureClaimSummary,
  'ExpenditureClaimSubmitted' | 'ExpenditureClaimVerified' | 'DisbursementRecorded'
>({
  collection: 'expenditure_claims',
  eventTypes: ['ExpenditureClaimSubmitted', 'ExpenditureClaimVerified', 'DisbursementRecorded'],
  documentId: (event) => event.data.claimId,
  evolve(claim, event) {
    if (event.type === 'ExpenditureClaimSubmitted') {
      const d = event.data;
      return {
        claimId: d.claimId,
        grantId: d.grantId,
        callId: d.callId,
        programmeId: d.programmeId,
        measureId: d.measureId,
        kind: d.kind,
        status: 'submitted',
        itemCount: d.items.length,
        declaredCents: d.declaredCents,
        eligibleCents: null,
        cutCents: null,
        onTheSpot: null,
        verifiedBy: null,
        paidCents: 0,
        submittedBy: d.submittedBy,
        submittedAt: d.submittedAt,
        verifiedAt: null,
      };
    }
    if (claim === null) return null;
    switch (event.type) {
      case 'ExpenditureClaimVerified': {
        const d = event.data;
        return {
          ...claim,
          status: 'verified',
          eligibleCents: d.eligibleCents,
          cutCents: d.cutCents,
          onTheSpot: d.onTheSpot,
          verifiedBy: d.verifiedBy,
          verifiedAt: d.verifiedAt,
        };
      }
      case 'DisbursementRecorded':
        return { ...claim, paidCents: claim.paidCents + event.data.amountCents };
    }
  },
});
