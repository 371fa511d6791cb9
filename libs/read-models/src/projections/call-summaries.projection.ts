import {
  BID_STATUSES,
  appealDeadlines,
  outstandingRecoveryCents,
  type AdministrativeAct,
  type ApplicantType,
  type BidStatus,
  type CallStatus,
  type Fund,
  type GberTerms,
  type PassOverReason,
  type Selection,
} from '@app/funding';
import { readModel } from './projection.js';

export interface CallSummary {
  readonly [field: string]: unknown;
  readonly callId: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly fund: Fund;
  readonly title: string;
  readonly status: CallStatus;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly budgetCents: number;
  readonly maxGrantCents: number | null;
  readonly committedCents: number;
  readonly releasedCents: number;
  /** budget − committed + released (invariant 3) */
  readonly remainingCents: number;
  readonly grantCount: number;
  /** Its grants' expenditure and payments: declared, verified eligible, paid, and money due back. */
  readonly declaredCents: number;
  readonly verifiedCents: number;
  readonly disbursedCents: number;
  readonly recoveryDueCents: number;
  readonly recoveredCents: number;
  readonly writtenOffCents: number;
  /** Due, neither received nor written off. */
  readonly outstandingRecoveryCents: number;
  /** Interest received on recoveries: shown apart, never budget. */
  readonly interestReceivedCents: number;
  readonly bids: {
    readonly total: number;
    readonly byStatus: Readonly<Record<BidStatus, number>>;
    readonly byApplicantType: Readonly<Partial<Record<ApplicantType, number>>>;
  };
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly cancelledAt: string | null;
  /** ranking (by score) or first-come (by arrival). */
  readonly selection: Selection;
  /** Where the close (or cancel) sits in the log: bids that arrived after it are late. */
  readonly closedPosition: string | null;
  readonly closedKey: string | null;
  /** Under GBER: the article and its maximum aid intensity. */
  readonly gber: GberTerms | null;
  /** A ranking call's approved ranking: its act, when it was recorded, how many bids it ranks; null until then. */
  readonly ranking: {
    readonly act: AdministrativeAct;
    readonly approvedAt: string;
    readonly rankedCount: number;
  } | null;
  /** The last days to challenge the ranking (60 days to the TAR, 120 to the President of the Republic, from its act's date); null until ranked. */
  readonly appealDeadlines: { readonly tar: string; readonly president: string } | null;
  /** The ranked bids passed over now, each with its last reason and act (awarded or withdrawn later, they leave the list). */
  readonly passedOver: ReadonlyArray<{
    readonly bidId: string;
    readonly reason: PassOverReason;
    readonly act: AdministrativeAct;
  }>;
}

const CALL_EVENTS = [
  'CallOpened',
  'CallClosed',
  'CallCancelled',
  'CallBudgetCommitted',
  'CallBudgetReleased',
  'RankingApproved',
] as const;
const BID_EVENTS = ['BidSubmitted', 'BidWithdrawn', 'BidEvaluated', 'BidAwarded', 'BidPassedOver'] as const;
const GRANT_EVENTS = [
  'DisbursementRecorded',
  'GrantRevoked',
  'ExpenditureClaimSubmitted',
  'ExpenditureClaimVerified',
  'RecoveryReceived',
  'RecoveryWrittenOff',
] as const;
type Figures = Pick<
  CallSummary,
  | 'declaredCents'
  | 'verifiedCents'
  | 'disbursedCents'
  | 'recoveryDueCents'
  | 'recoveredCents'
  | 'writtenOffCents'
  | 'interestReceivedCents'
>;

/** Each call with its budget and its bids counted by status and applicant type: `GET /calls`, `GET /calls/:callId`. */
export const callSummaries = readModel<
  CallSummary,
  (typeof CALL_EVENTS)[number] | (typeof BID_EVENTS)[number] | (typeof GRANT_EVENTS)[number]
>({
  collection: 'calls',
  eventTypes: [...CALL_EVENTS, ...BID_EVENTS, ...GRANT_EVENTS],
  documentId: (event) => event.data.callId,
  evolve(call, event, at) {
    if (event.type === 'CallOpened') {
      const d = event.data;
      return {
        callId: d.callId,
        programmeId: d.programmeId,
        measureId: d.measureId,
        fund: d.fund,
        title: d.title,
        status: 'open',
        opensAt: d.opensAt,
        closesAt: d.closesAt,
        budgetCents: d.budgetCents,
        maxGrantCents: d.maxGrantCents,
        committedCents: 0,
        releasedCents: 0,
        remainingCents: d.budgetCents,
        grantCount: 0,
        declaredCents: 0,
        verifiedCents: 0,
        disbursedCents: 0,
        recoveryDueCents: 0,
        recoveredCents: 0,
        writtenOffCents: 0,
        outstandingRecoveryCents: 0,
        interestReceivedCents: 0,
        bids: {
          total: 0,
          byStatus: Object.fromEntries(BID_STATUSES.map((s) => [s, 0])) as Record<BidStatus, number>,
          byApplicantType: {},
        },
        openedAt: d.openedAt,
        closedAt: null,
        cancelledAt: null,
        selection: d.selection,
        closedPosition: null,
        closedKey: null,
        gber: d.gber,
        ranking: null,
        appealDeadlines: null,
        passedOver: [],
      };
    }
    if (call === null) return null;
    switch (event.type) {
      case 'CallClosed':
        return {
          ...call,
          status: 'closed',
          closedAt: event.data.closedAt,
          ...(call.closedKey === null ? { closedPosition: at.position, closedKey: at.key } : {}),
        };
      case 'CallCancelled':
        return {
          ...call,
          status: 'cancelled',
          cancelledAt: event.data.cancelledAt,
          ...(call.closedKey === null ? { closedPosition: at.position, closedKey: at.key } : {}),
        };
      case 'CallBudgetCommitted':
        return withRemaining({
          ...call,
          committedCents: call.committedCents + event.data.amountCents,
          grantCount: call.grantCount + 1,
        });
      case 'CallBudgetReleased':
        return withRemaining({ ...call, releasedCents: call.releasedCents + event.data.amountCents });
      case 'BidSubmitted': {
        const type = event.data.applicant.type;
        const counted = moveBid(call, null, 'submitted');
        return {
          ...counted,
          bids: {
            ...counted.bids,
            total: call.bids.total + 1,
            byApplicantType: { ...call.bids.byApplicantType, [type]: (call.bids.byApplicantType[type] ?? 0) + 1 },
          },
        };
      }
      case 'BidWithdrawn':
        return {
          ...moveBid(call, event.data.previousStatus, 'withdrawn'),
          passedOver: call.passedOver.filter((p) => p.bidId !== event.data.bidId),
        };
      // Only a submitted bid is evaluated, and only an admissible one awarded.
      case 'BidEvaluated':
        return moveBid(call, 'submitted', event.data.admissible ? 'admissible' : 'inadmissible');
      // Admissible, or passed over for insufficient funds and back in the line.
      case 'BidAwarded': {
        const wasPassedOver = call.passedOver.some((p) => p.bidId === event.data.bidId);
        return {
          ...moveBid(call, wasPassedOver ? 'passed-over' : 'admissible', 'awarded'),
          passedOver: call.passedOver.filter((p) => p.bidId !== event.data.bidId),
        };
      }
      case 'BidPassedOver': {
        const { bidId, reason, act } = event.data;
        const again = call.passedOver.some((p) => p.bidId === bidId);
        return {
          ...(again ? call : moveBid(call, 'admissible', 'passed-over')),
          passedOver: [...call.passedOver.filter((p) => p.bidId !== bidId), { bidId, reason, act }],
        };
      }
      case 'RankingApproved': {
        const { act, approvedAt, ranked } = event.data;
        return {
          ...call,
          ranking: { act, approvedAt, rankedCount: ranked.length },
          appealDeadlines: appealDeadlines(act.date),
        };
      }
      case 'DisbursementRecorded':
        return withFigures(call, { disbursedCents: event.data.amountCents });
      case 'GrantRevoked':
        return withFigures(call, { recoveryDueCents: event.data.recoveryDueAddedCents });
      case 'ExpenditureClaimSubmitted':
        return withFigures(call, { declaredCents: event.data.declaredCents });
      case 'ExpenditureClaimVerified':
        return withFigures(call, {
          verifiedCents: event.data.eligibleCents,
          recoveryDueCents: event.data.recoveryDueAddedCents,
        });
      case 'RecoveryReceived':
        return withFigures(call, {
          recoveredCents: event.data.amountCents,
          interestReceivedCents: event.data.interestCents,
        });
      case 'RecoveryWrittenOff':
        return withFigures(call, { writtenOffCents: event.data.amountCents });
    }
  },
});

function moveBid(call: CallSummary, from: BidStatus | null, to: BidStatus): CallSummary {
  const byStatus = { ...call.bids.byStatus, [to]: call.bids.byStatus[to] + 1 };
  if (from !== null) byStatus[from] -= 1;
  return { ...call, bids: { ...call.bids, byStatus } };
}

function withRemaining(call: CallSummary): CallSummary {
  return { ...call, remainingCents: call.budgetCents - call.committedCents + call.releasedCents };
}

function withFigures(call: CallSummary, delta: Partial<Figures>): CallSummary {
  const next = { ...call };
  for (const [key, cents] of Object.entries(delta) as Array<[keyof Figures, number]>)
    (next as Record<keyof Figures, number>)[key] = call[key] + cents;
  return { ...next, outstandingRecoveryCents: outstandingRecoveryCents(next) };
}
