import type { BidEvent } from './bids/bid.events.js';
import type { CallEvent } from './calls/call.events.js';
import type { CupEvent, GrantEvent } from './grants/grant.events.js';
import type { ProgrammeEvent } from './programmes/programme.events.js';
import type { DataSubjectEvent } from './data-subjects/data-subject.events.js';
import type { UndertakingEvent } from './undertakings/undertaking.events.js';
import type { ClaimEvent, DocumentEvent } from './expenditure/expenditure.events.js';
import type { DeclarationsEvent, PaymentApplicationEvent } from './accounting/declarations.events.js';
import type { IrregularityEvent } from './irregularities/irregularity.events.js';

export type FundingEvent =
  | ProgrammeEvent
  | CallEvent
  | BidEvent
  | GrantEvent
  | CupEvent
  | DataSubjectEvent
  | UndertakingEvent
  | ClaimEvent
  | DocumentEvent
  | DeclarationsEvent
  | PaymentApplicationEvent
  | IrregularityEvent;
export type FundingEventType = FundingEvent['type'];

/**
 * The current schema version of every event type. The type string is written explicitly into
 * the log (never derived from a class name); when a shape changes, its version goes up here and
 * the old shape lives on as a `*.v1.ts` type with an upcaster beside the serializer
 * (`config/stores.ts`). The v2 shapes and why v1 cannot be upcast: docs/adr/0007.
 */
export const FUNDING_EVENT_SCHEMA_VERSIONS = {
  ProgrammeEstablished: 5,
  MeasureDefined: 3,
  MeasureBudgetReserved: 1,
  MeasureReservationReleased: 1,
  FundCofinancingStated: 1,
  CallOpened: 6,
  CallClosed: 1,
  CallCancelled: 1,
  CallBudgetCommitted: 1,
  CallBudgetReleased: 1,
  BidQueued: 1,
  RankingApproved: 1,
  RankedBidPassedOver: 1,
  BidSubmitted: 4,
  BidWithdrawn: 2,
  BidEvaluated: 2,
  BidAwarded: 1,
  BidRanked: 1,
  BidPassedOver: 1,
  GrantAwarded: 7,
  DisbursementRecorded: 4,
  GrantCompleted: 3,
  GrantRevoked: 4,
  DataSubjectErased: 1,
  GrantBeneficiaryErased: 1,
  CupAssigned: 1,
  DeMinimisAidRecorded: 2,
  ExpenditureClaimSubmitted: 2,
  ExpenditureClaimFiled: 1,
  ExpenditureDocumentClaimed: 1,
  ExpenditureClaimVerified: 1,
  RecoveryOrdered: 2,
  RecoveryReceived: 1,
  RecoveryWrittenOff: 2,
  PaymentApplicationSubmitted: 1,
  PaymentApplicationNumbered: 1,
  CommissionPaymentReceived: 1,
  FinancialCorrectionMade: 1,
  AccountsSubmitted: 1,
  IrregularityRecorded: 1,
  IrregularityFollowedUp: 1,
} as const satisfies Record<FundingEventType, number>;
