import type { AidRegime, Applicant, DisbursementKind, Fund, GrantStatus, OperationData, RnaRegistration } from '@app/funding';
import { readModel } from './projection.js';

export interface GrantSummary {
  readonly [field: string]: unknown;
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  /** The applicant portal that submitted the bid: the one principal of that role that may see the grant. */
  readonly submittedBy: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly fund: Fund;
  /** A legal person by type and name (its tax code stays in the log); a natural person by subject id and region only. */
  readonly beneficiary: { readonly kind: 'legal-person'; readonly type: string; readonly name: string } | Omit<Extract<Applicant, { kind: 'natural-person' }>, never>;
  /** The natural person's subject id (null for a legal person). */
  readonly subjectId: string | null;
  readonly sensitive: boolean;
  /** False for a natural person in a sensitive measure: shown only to the roles that act on it. */
  readonly publicView: boolean;
  /** When the last payment was made: where the retention of a grant's records is counted from. */
  readonly lastPaymentAt: string | null;
  readonly projectTitle: string;
  readonly cup: string;
  /** The operation as its award states it (a natural person's location: NUTS 2 only, below). */
  readonly operation: OperationData;
  /** YYYY-MM-DD, once the final payment completed it. */
  readonly actualEndDate: string | null;
  readonly aidRegime: AidRegime;
  readonly rna: RnaRegistration | null;
  readonly euCoFinancingRateBp: number | null;
  /** The award as first made. */
  readonly originalAwardCents: number;
  /** The award now: the original less every partial revocation. */
  readonly currentAwardCents: number;
  readonly disbursedCents: number;
  /** What can still be paid: current award − disbursed while active, never below 0; nothing once completed or revoked. */
  readonly remainingCents: number;
  readonly releasedCents: number;
  readonly recoveryDueCents: number;
  readonly status: GrantStatus;
  readonly awardedAt: string;
  readonly completedAt: string | null;
  readonly revokedAt: string | null;
  /** The disbursement ledger, in the order the payments were recorded. */
  readonly disbursements: ReadonlyArray<{
    readonly disbursementId: string;
    readonly kind: DisbursementKind;
    readonly amountCents: number;
    readonly reference: string | null;
    readonly deggendorfVisuraRef: string | null;
    readonly paidAt: string;
  }>;
  readonly revocations: ReadonlyArray<{
    readonly reason: string;
    readonly covar: string | null;
    readonly revokedCents: number;
    readonly whole: boolean;
    readonly releasedCents: number;
    readonly recoveryDueCents: number;
    readonly revokedAt: string;
  }>;
}

/** Each grant with its payments and revocations: `GET /grants`, `GET /grants/:grantId`. */
export const grantSummaries = readModel<GrantSummary, 'GrantAwarded' | 'DisbursementRecorded' | 'GrantCompleted' | 'GrantRevoked'>({
  collection: 'grants',
  eventTypes: ['GrantAwarded', 'DisbursementRecorded', 'GrantCompleted', 'GrantRevoked'],
  documentId: (event) => event.data.grantId,
  evolve(grant, event) {
    if (event.type === 'GrantAwarded') {
      const d = event.data;
      return {
        grantId: d.grantId,
        callId: d.callId,
        bidId: d.bidId,
        submittedBy: d.submittedBy,
        programmeId: d.programmeId,
        measureId: d.measureId,
        fund: d.fund,
        // A legal person's tax code stays in the event log; read models show who, not their identifiers.
        beneficiary: d.beneficiary.kind === 'legal-person' ? { kind: 'legal-person', type: d.beneficiary.type, name: d.beneficiary.name } : d.beneficiary,
        subjectId: d.beneficiary.kind === 'natural-person' ? d.beneficiary.subjectId : null,
        sensitive: d.sensitive,
        publicView: !(d.beneficiary.kind === 'natural-person' && d.sensitive),
        lastPaymentAt: null,
        projectTitle: d.projectTitle,
        cup: d.cup,
        // Where a natural person's operation is, to the municipality, would point at them: their region only.
        operation: d.beneficiary.kind === 'natural-person' ? { ...d.operation, istatMunicipalityCode: '', nuts3: '' } : d.operation,
        actualEndDate: null,
        aidRegime: d.aidRegime,
        rna: d.rna,
        euCoFinancingRateBp: d.euCoFinancingRateBp,
        originalAwardCents: d.amountCents,
        currentAwardCents: d.amountCents,
        disbursedCents: 0,
        remainingCents: d.amountCents,
        releasedCents: 0,
        recoveryDueCents: 0,
        status: 'active',
        awardedAt: d.awardedAt,
        completedAt: null,
        revokedAt: null,
        disbursements: [],
        revocations: [],
      };
    }
    if (grant === null) return null;
    switch (event.type) {
      case 'DisbursementRecorded': {
        const { disbursementId, kind, amountCents, reference, deggendorfVisuraRef, paidAt } = event.data;
        return withRemaining({ ...grant, disbursedCents: grant.disbursedCents + amountCents, lastPaymentAt: paidAt, disbursements: [...grant.disbursements, { disbursementId, kind, amountCents, reference, deggendorfVisuraRef, paidAt }] });
      }
      case 'GrantCompleted':
        return withRemaining({ ...grant, status: 'completed', completedAt: event.data.completedAt, actualEndDate: event.data.actualEndDate, releasedCents: grant.releasedCents + event.data.releasedCents });
      case 'GrantRevoked': {
        const d = event.data;
        return withRemaining({
          ...grant,
          status: d.whole ? 'revoked' : grant.status,
          currentAwardCents: d.awardAfterCents,
          releasedCents: grant.releasedCents + d.releasedCents,
          recoveryDueCents: d.recoveryDueCents,
          revokedAt: d.whole ? d.revokedAt : grant.revokedAt,
          revocations: [
            ...grant.revocations,
            { reason: d.reason, covar: d.covar, revokedCents: d.revokedCents, whole: d.whole, releasedCents: d.releasedCents, recoveryDueCents: d.recoveryDueCents, revokedAt: d.revokedAt },
          ],
        });
      }
    }
  },
});

function withRemaining(grant: GrantSummary): GrantSummary {
  return { ...grant, remainingCents: grant.status === 'active' ? Math.max(0, grant.currentAwardCents - grant.disbursedCents) : 0 };
}
