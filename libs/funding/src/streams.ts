import type { FundingEvent } from './funding.events.js';
import { assertNever } from './funding.types.js';
import { documentHash } from './expenditure/document.js';

/**
 * Consistency boundaries: each entity that owns money has a stream of its own
 * (see docs/adr/0002-consistency-boundaries.md). Stream names are `<category>-<id>`.
 */

export const programmeStream = (programmeId: string): string => `programme-${programmeId}`;
export const callStream = (callId: string): string => `call-${callId}`;
export const bidStream = (bidId: string): string => `bid-${bidId}`;
export const grantStream = (grantId: string): string => `grant-${grantId}`;
export const subjectStream = (subjectId: string): string => `subject-${subjectId}`;
/** One stream per CUP: the CUP is used by one grant only. */
export const cupStream = (cup: string): string => `cup-${cup}`;
export const undertakingStream = (key: string): string => `undertaking-${key}`;
/** One stream per expenditure claim id: the id is used once, and names the grant whose stream holds the claim. */
export const claimStream = (claimId: string): string => `claim-${claimId}`;
/**
 * One stream per document of expenditure in a programme (the hash of its key, expenditure/document.ts):
 * a document is claimed once, by whichever grant claims it first.
 */
export const documentStream = (key: string): string => `document-${documentHash(key)}`;
/**
 * One stream per programme and fund: its account with the Commission (applications, receipts,
 * corrections, accounts), docs/adr/0022. The fund is one of FUNDS, so the name cannot be ambiguous.
 */
export const declarationsStream = (programmeId: string, fund: string): string => `declarations-${programmeId}-${fund}`;
/** One stream per payment application id: the id is used once, and names the fund's account that holds it. */
export const paymentApplicationStream = (applicationId: string): string => `paymentapplication-${applicationId}`;
/** One stream per irregularity: recorded once, then followed up until closed. */
export const irregularityStream = (irregularityId: string): string => `irregularity-${irregularityId}`;

/** The stream an event belongs to: every event names the entity whose stream holds it. */
export function streamOf(event: FundingEvent): string {
  switch (event.type) {
    case 'ProgrammeEstablished':
    case 'MeasureDefined':
    case 'MeasureBudgetReserved':
    case 'MeasureReservationReleased':
    case 'FundCofinancingStated':
      return programmeStream(event.data.programmeId);
    case 'CallOpened':
    case 'CallClosed':
    case 'CallCancelled':
    case 'CallBudgetCommitted':
    case 'CallBudgetReleased':
    case 'BidQueued':
    case 'RankingApproved':
    case 'RankedBidPassedOver':
      return callStream(event.data.callId);
    case 'BidSubmitted':
    case 'BidWithdrawn':
    case 'BidEvaluated':
    case 'BidAwarded':
    case 'BidRanked':
    case 'BidPassedOver':
      return bidStream(event.data.bidId);
    case 'GrantAwarded':
    case 'DisbursementRecorded':
    case 'GrantCompleted':
    case 'GrantRevoked':
    case 'ExpenditureClaimSubmitted':
    case 'ExpenditureClaimVerified':
    case 'RecoveryOrdered':
    case 'RecoveryReceived':
    case 'RecoveryWrittenOff':
    case 'GrantBeneficiaryErased':
      return grantStream(event.data.grantId);
    case 'ExpenditureClaimFiled':
      return claimStream(event.data.claimId);
    case 'ExpenditureDocumentClaimed':
      return documentStream(event.data.key);
    case 'DataSubjectErased':
      return subjectStream(event.data.subjectId);
    case 'CupAssigned':
      return cupStream(event.data.cup);
    case 'DeMinimisAidRecorded':
      return undertakingStream(event.data.undertaking);
    case 'PaymentApplicationSubmitted':
    case 'CommissionPaymentReceived':
    case 'FinancialCorrectionMade':
    case 'AccountsSubmitted':
      return declarationsStream(event.data.programmeId, event.data.fund);
    case 'PaymentApplicationNumbered':
      return paymentApplicationStream(event.data.applicationId);
    case 'IrregularityRecorded':
    case 'IrregularityFollowedUp':
      return irregularityStream(event.data.irregularityId);
    default:
      return assertNever(event);
  }
}
