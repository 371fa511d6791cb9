import { refuse } from '../domain-error.js';
import { assertNever, type Instant } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { EventAt, Evolving } from '../command-plan.js';
import type { AdministrativeAct } from '../acts/administrative-act.js';
import type { PassOverReason } from '../bids/bid.events.js';
import type { CallEvent, CallOpened, RankedBid } from './call.events.js';

export const CALL_STATUSES = ['open', 'closed', 'cancelled'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** A call: the terms it was opened with (CallOpened, but for its title and when), and what became of it. */
export type ExistingCall = Omit<CallOpened['data'], 'title' | 'openedAt'> & {
  readonly status: CallStatus;
  /** Where the close (or the cancel) sits in the log: bids that arrive after it are late. */
  readonly closedPosition: string | null;
  /** A ranking call's approved ranking, with its act; null until approved. */
  readonly ranking: { readonly act: AdministrativeAct; readonly ranked: readonly RankedBid[] } | null;
  /** The bids awarded from this call (CallBudgetCommitted). */
  readonly awardedBidIds: readonly string[];
  /**
   * Ranked bids passed over, with the last reason, and the call's released total when it was given:
   * one passed over for insufficient funds is back in the line once more money came back since.
   */
  readonly passedOver: ReadonlyArray<{
    readonly bidId: string;
    readonly reason: PassOverReason;
    readonly releasedCentsThen: Cents;
  }>;
  /** First-come: the admissible bids not yet awarded, by arrival (withdrawn ones stay: the bid's stream says so). */
  readonly queue: ReadonlyArray<{ readonly bidId: string; readonly arrival: string }>;
  /** Sum of every award ever committed from this call. */
  readonly committedCents: Cents;
  /** Sum of every amount returned to this call by revocations and completions. */
  readonly releasedCents: Cents;
  readonly grantCount: number;
};

/** A call for proposals ("bando"): the stream that owns its budget (invariant 3). */
export type Call = { readonly status: 'none' } | ExistingCall;

export function evolveCall(state: Call, event: CallEvent, at?: EventAt): Call {
  switch (event.type) {
    case 'CallOpened': {
      const d = event.data;
      return {
        status: 'open',
        callId: d.callId,
        programmeId: d.programmeId,
        measureId: d.measureId,
        fund: d.fund,
        budgetCents: d.budgetCents,
        opensAt: d.opensAt,
        closesAt: d.closesAt,
        eligibleApplicantTypes: d.eligibleApplicantTypes,
        maxGrantCents: d.maxGrantCents,
        sensitive: d.sensitive,
        aidRegime: d.aidRegime,
        advanceShareBp: d.advanceShareBp,
        selection: d.selection,
        fundingRateBp: d.fundingRateBp,
        gber: d.gber,
        closedPosition: null,
        ranking: null,
        awardedBidIds: [],
        passedOver: [],
        queue: [],
        committedCents: 0,
        releasedCents: 0,
        grantCount: 0,
      };
    }
    case 'CallClosed':
      return state.status === 'none'
        ? state
        : { ...state, status: 'closed', closedPosition: state.closedPosition ?? at?.position ?? null };
    case 'CallCancelled':
      return state.status === 'none'
        ? state
        : { ...state, status: 'cancelled', closedPosition: state.closedPosition ?? at?.position ?? null };
    case 'CallBudgetCommitted':
      return state.status === 'none'
        ? state
        : {
            ...state,
            committedCents: state.committedCents + event.data.amountCents,
            grantCount: state.grantCount + 1,
            queue: state.queue.filter((q) => q.bidId !== event.data.bidId),
            awardedBidIds: [...state.awardedBidIds, event.data.bidId],
          };
    case 'BidQueued':
      return state.status === 'none'
        ? state
        : {
            ...state,
            queue: [...state.queue, { bidId: event.data.bidId, arrival: event.data.arrival }].sort((a, b) =>
              a.arrival < b.arrival ? -1 : 1,
            ),
          };
    case 'CallBudgetReleased':
      return state.status === 'none'
        ? state
        : { ...state, releasedCents: state.releasedCents + event.data.amountCents };
    case 'RankingApproved':
      return state.status === 'none'
        ? state
        : { ...state, ranking: { act: event.data.act, ranked: event.data.ranked } };
    case 'RankedBidPassedOver': {
      if (state.status === 'none') return state;
      const { bidId, reason } = event.data;
      return {
        ...state,
        passedOver: [
          ...state.passedOver.filter((p) => p.bidId !== bidId),
          { bidId, reason, releasedCentsThen: state.releasedCents },
        ],
      };
    }
    default:
      return assertNever(event);
  }
}

export const CALL: Evolving<Call, CallEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveCall,
};

/** The call's remaining = budget − committed + released (invariant 3). */
export function callRemainingCents(call: ExistingCall): Cents {
  return call.budgetCents - call.committedCents + call.releasedCents;
}

/**
 * Bids are accepted on an open call inside its window [opensAt, closesAt): the window's end closes
 * it. Takes only what it reads, so the query side answers "accepting bids?" by the same rule.
 */
export function acceptsBidsAt(
  call: { readonly status: string; readonly opensAt: Instant; readonly closesAt: Instant },
  now: Date,
): boolean {
  const t = now.getTime();
  return call.status === 'open' && t >= Date.parse(call.opensAt) && t < Date.parse(call.closesAt);
}

export function requireCall(state: Call, callId: string): ExistingCall {
  if (state.status === 'none') refuse('CALL_NOT_FOUND', `Call ${callId} does not exist`);
  return state;
}
