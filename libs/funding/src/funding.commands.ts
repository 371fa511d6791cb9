import { evaluateBid, type EvaluateBid } from './bids/evaluate-bid.js';
import { passOverBid, type PassOverBid } from './bids/pass-over-bid.js';
import { submitBid, type SubmitBid } from './bids/submit-bid.js';
import { withdrawBid, type WithdrawBid } from './bids/withdraw-bid.js';
import { approveRanking, type ApproveRanking } from './calls/approve-ranking.js';
import { cancelCall, type CancelCall } from './calls/cancel-call.js';
import { closeCall, type CloseCall } from './calls/close-call.js';
import { openCall, type OpenCall } from './calls/open-call.js';
import type { CommandPlan } from './command-plan.js';
import { makeFinancialCorrection, type MakeFinancialCorrection } from './accounting/make-financial-correction.js';
import { recordCommissionReceipt, type RecordCommissionReceipt } from './accounting/record-commission-receipt.js';
import { submitAccounts, type SubmitAccounts } from './accounting/submit-accounts.js';
import { submitPaymentApplication, type SubmitPaymentApplication } from './accounting/submit-payment-application.js';
import { eraseDataSubject, type EraseDataSubject } from './data-subjects/erase-data-subject.js';
import { submitExpenditureClaim, type SubmitExpenditureClaim } from './expenditure/submit-expenditure-claim.js';
import { verifyExpenditureClaim, type VerifyExpenditureClaim } from './expenditure/verify-expenditure-claim.js';
import { awardGrant, type AwardGrant } from './grants/award-grant.js';
import { recordDisbursement, type RecordDisbursement } from './grants/record-disbursement.js';
import { revokeGrant, type RevokeGrant } from './grants/revoke-grant.js';
import { defineMeasure, type DefineMeasure } from './programmes/define-measure.js';
import { establishProgramme, type EstablishProgramme } from './programmes/establish-programme.js';
import { stateCofinancing, type StateCofinancing } from './programmes/state-cofinancing.js';
import { orderRecovery, type OrderRecovery } from './recoveries/order-recovery.js';
import { recordRecoveryReceipt, type RecordRecoveryReceipt } from './recoveries/record-recovery-receipt.js';
import { writeOffRecovery, type WriteOffRecovery } from './recoveries/write-off-recovery.js';
import { recordIrregularity, type RecordIrregularity } from './irregularities/record-irregularity.js';
import { followUpIrregularity, type FollowUpIrregularity } from './irregularities/follow-up-irregularity.js';

export type FundingCommand =
  | EstablishProgramme
  | DefineMeasure
  | StateCofinancing
  | OpenCall
  | CloseCall
  | CancelCall
  | ApproveRanking
  | SubmitBid
  | WithdrawBid
  | EvaluateBid
  | PassOverBid
  | AwardGrant
  | RecordDisbursement
  | RevokeGrant
  | SubmitExpenditureClaim
  | VerifyExpenditureClaim
  | OrderRecovery
  | RecordRecoveryReceipt
  | WriteOffRecovery
  | EraseDataSubject
  | RecordIrregularity
  | FollowUpIrregularity
  | SubmitPaymentApplication
  | RecordCommissionReceipt
  | SubmitAccounts
  | MakeFinancialCorrection;
export type FundingCommandType = FundingCommand['type'];

/** A plan seen from the pipeline: the state's shape is the plan's own business. */
export type PlanOf<C extends FundingCommand> = CommandPlan<C, Record<string, unknown>>;

/** Every command of the product and its plan. A command missing here does not compile. */
export const FUNDING_COMMANDS: { readonly [T in FundingCommandType]: PlanOf<Extract<FundingCommand, { type: T }>> } = {
  EstablishProgramme: establishProgramme,
  DefineMeasure: defineMeasure,
  StateCofinancing: stateCofinancing,
  OpenCall: openCall,
  CloseCall: closeCall,
  CancelCall: cancelCall,
  ApproveRanking: approveRanking,
  SubmitBid: submitBid,
  WithdrawBid: withdrawBid,
  EvaluateBid: evaluateBid,
  PassOverBid: passOverBid,
  AwardGrant: awardGrant,
  RecordDisbursement: recordDisbursement,
  RevokeGrant: revokeGrant,
  SubmitExpenditureClaim: submitExpenditureClaim,
  VerifyExpenditureClaim: verifyExpenditureClaim,
  OrderRecovery: orderRecovery,
  RecordRecoveryReceipt: recordRecoveryReceipt,
  WriteOffRecovery: writeOffRecovery,
  RecordIrregularity: recordIrregularity,
  FollowUpIrregularity: followUpIrregularity,
  EraseDataSubject: eraseDataSubject,
  SubmitPaymentApplication: submitPaymentApplication,
  RecordCommissionReceipt: recordCommissionReceipt,
  SubmitAccounts: submitAccounts,
  MakeFinancialCorrection: makeFinancialCorrection,
};

export function planOf<C extends FundingCommand>(command: C): PlanOf<C> {
  return FUNDING_COMMANDS[command.type as FundingCommandType] as unknown as PlanOf<C>;
}
