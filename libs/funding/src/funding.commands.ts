import { bidDecider } from './bids/bid.decider.js';
import type { EvaluateBid } from './bids/evaluate-bid.js';
import type { PassOverBid } from './bids/pass-over-bid.js';
import type { ApproveRanking } from './calls/approve-ranking.js';
import type { SubmitBid } from './bids/submit-bid.js';
import type { WithdrawBid } from './bids/withdraw-bid.js';
import { callDecider } from './calls/call.decider.js';
import type { CancelCall } from './calls/cancel-call.js';
import type { CloseCall } from './calls/close-call.js';
import type { OpenCall } from './calls/open-call.js';
import type { CommandPlan } from './command-plan.js';
import type { AwardGrant } from './grants/award-grant.js';
import { grantDecider } from './grants/grant.decider.js';
import type { RecordDisbursement } from './grants/record-disbursement.js';
import type { RevokeGrant } from './grants/revoke-grant.js';
import type { DefineMeasure } from './programmes/define-measure.js';
import type { EstablishProgramme } from './programmes/establish-programme.js';
import { programmeDecider } from './programmes/programme.decider.js';
import { dataSubjectDecider } from './data-subjects/data-subject.decider.js';
import type { EraseDataSubject } from './data-subjects/erase-data-subject.js';
import { expenditureDecider } from './expenditure/expenditure.decider.js';
import type { SubmitExpenditureClaim } from './expenditure/submit-expenditure-claim.js';
import type { VerifyExpenditureClaim } from './expenditure/verify-expenditure-claim.js';
import type { OrderRecovery } from './recoveries/order-recovery.js';
import type { RecordRecoveryReceipt } from './recoveries/record-recovery-receipt.js';
import { recoveryDecider } from './recoveries/recovery.decider.js';
import type { WriteOffRecovery } from './recoveries/write-off-recovery.js';

export type FundingCommand =
  | EstablishProgramme
  | DefineMeasure
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
  | EraseDataSubject;
export type FundingCommandType = FundingCommand['type'];

/** A plan seen from the pipeline: the state's shape is the plan's own business. */
export type PlanOf<C extends FundingCommand> = CommandPlan<C, Record<string, unknown>>;

/** Every command of the product and its plan. A command missing here does not compile. */
export const FUNDING_COMMANDS: { readonly [T in FundingCommandType]: PlanOf<Extract<FundingCommand, { type: T }>> } = {
  ...programmeDecider.commands,
  ...callDecider.commands,
  ...bidDecider.commands,
  ...grantDecider.commands,
  ...expenditureDecider.commands,
  ...recoveryDecider.commands,
  ...dataSubjectDecider.commands,
};

export function planOf<C extends FundingCommand>(command: C): PlanOf<C> {
  return FUNDING_COMMANDS[command.type as FundingCommandType] as unknown as PlanOf<C>;
}
