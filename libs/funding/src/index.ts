export * from './domain-error.js';
export * from './funding.types.js';
export * from './funding.events.js';
export * from './funding.commands.js';
export * from './command-plan.js';
export * from './money.js';
export * from './figures.js';
export { DAY_FORMAT } from './text.js';
export * from './streams.js';
export * from './programmes/programme.events.js';
export * from './calls/call.events.js';
export * from './bids/bid.events.js';
export * from './grants/grant.events.js';
export * from './programmes/programme.js';
export * from './calls/call.js';
export * from './bids/bid.js';
export * from './grants/grant.js';
export * from './data-subjects/data-subject.events.js';
export * from './data-subjects/data-subject.js';
export * from './data-subjects/retention.js';
export type { EraseDataSubject } from './data-subjects/erase-data-subject.js';
export type { EstablishProgramme } from './programmes/establish-programme.js';
export type { DefineMeasure } from './programmes/define-measure.js';
export type { StateCofinancing } from './programmes/state-cofinancing.js';
export type { OpenCall } from './calls/open-call.js';
export type { CloseCall } from './calls/close-call.js';
export type { CancelCall } from './calls/cancel-call.js';
export { MAX_RANKED_BIDS, type ApproveRanking } from './calls/approve-ranking.js';
export * from './calls/ranking.js';
export * from './acts/administrative-act.js';
export * from './undertakings/de-minimis.js';
export type { SubmitBid } from './bids/submit-bid.js';
export type { WithdrawBid } from './bids/withdraw-bid.js';
export type { EvaluateBid } from './bids/evaluate-bid.js';
export type { PassOverBid } from './bids/pass-over-bid.js';
export type { AwardGrant } from './grants/award-grant.js';
export type { RecordDisbursement } from './grants/record-disbursement.js';
export type { RevokeGrant } from './grants/revoke-grant.js';
export * from './undertakings/undertaking.events.js';
export * from './undertakings/undertaking.js';
export * from './grants/cup.js';
export * from './expenditure/expenditure.events.js';
export type { ClaimItemV1, ExpenditureClaimSubmittedV1 } from './expenditure/expenditure.events.v1.js';
export * from './expenditure/claim.js';
export * from './recoveries/recovery.events.js';
export {
  MAX_CLAIM_ITEMS,
  MAX_CLAIMS_PER_GRANT,
  type SubmitExpenditureClaim,
} from './expenditure/submit-expenditure-claim.js';
export type { VerifyExpenditureClaim } from './expenditure/verify-expenditure-claim.js';
export type { OrderRecovery } from './recoveries/order-recovery.js';
export type { RecordRecoveryReceipt } from './recoveries/record-recovery-receipt.js';
export type { WriteOffRecovery } from './recoveries/write-off-recovery.js';
export * from './accounting/cofinancing.js';
export * from './accounting/accounting-year.js';
export * from './accounting/declarations.events.js';
export * from './accounting/declarations.js';
export {
  CORRECTION_TREATMENTS,
  type CorrectionTreatment,
  type MakeFinancialCorrection,
} from './accounting/make-financial-correction.js';
export type { RecordCommissionReceipt } from './accounting/record-commission-receipt.js';
export type { SubmitAccounts } from './accounting/submit-accounts.js';
export type { SubmitPaymentApplication } from './accounting/submit-payment-application.js';
export * from './irregularities/irregularity.events.js';
export {
  IRREGULARITY,
  OLAF_THRESHOLD_EU_CENTS,
  olafReportingDeadline,
  reportableToOlaf,
  type Irregularity,
  type RecordedIrregularity,
} from './irregularities/irregularity.js';
export { MAX_IRREGULARITY_DESCRIPTION, type RecordIrregularity } from './irregularities/record-irregularity.js';
export type { FollowUpIrregularity } from './irregularities/follow-up-irregularity.js';
