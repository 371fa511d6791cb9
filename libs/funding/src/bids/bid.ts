import type { EventAt, Evolving } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever, type Applicant, type Instant } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { AdministrativeAct } from '../acts/administrative-act.js';
import type { BidEvent, PassOverReason } from './bid.events.js';

/** passed-over: ranked, and passed over by an act (for insufficient funds it may be awarded later: see `waitingLine`). */
export const BID_STATUSES = ['submitted', 'admissible', 'inadmissible', 'withdrawn', 'awarded', 'passed-over'] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

export type ExistingBid = {
  readonly status: BidStatus;
  readonly bidId: string;
  readonly callId: string;
  /** The principal that submitted it: the only one that may withdraw it or act on its grant. */
  readonly submittedBy: string;
  readonly applicant: Applicant;
  readonly linkedUndertakings: readonly string[];
  readonly projectTitle: string;
  readonly requestedCents: Cents;
  /** When it was submitted: an operation completed before it is not selected (Reg. 2021/1060 art. 63(6)). */
  readonly submittedAt: Instant;
  readonly score: number | null;
  /** Where its submission sits in the log (a position key): the order of arrival. */
  readonly arrival: string | null;
  /** The evaluator's principal, once evaluated. */
  readonly evaluatedBy: string | null;
  readonly grantId: string | null;
  /** Its place in the approved ranking of its call; null until then, or when it is not in it. */
  readonly rank: number | null;
  /** Why and by which act it was last passed over; null if never. */
  readonly passedOver: { readonly reason: PassOverReason; readonly act: AdministrativeAct } | null;
};

/** A bid ("domanda"): the stream that makes "awarded at most once" (invariant 4). */
export type Bid = { readonly status: 'none' } | ExistingBid;

export function evolveBid(state: Bid, event: BidEvent, at?: EventAt): Bid {
  switch (event.type) {
    case 'BidSubmitted': {
      const d = event.data;
      return {
        status: 'submitted',
        bidId: d.bidId,
        callId: d.callId,
        submittedBy: d.submittedBy,
        applicant: d.applicant,
        linkedUndertakings: d.linkedUndertakings,
        projectTitle: d.projectTitle,
        requestedCents: d.requestedCents,
        submittedAt: d.submittedAt,
        score: null,
        arrival: at?.position ?? null,
        evaluatedBy: null,
        grantId: null,
        rank: null,
        passedOver: null,
      };
    }
    case 'BidWithdrawn':
      return state.status === 'none' ? state : { ...state, status: 'withdrawn' };
    case 'BidEvaluated':
      return state.status === 'none'
        ? state
        : {
            ...state,
            status: event.data.admissible ? 'admissible' : 'inadmissible',
            score: event.data.score,
            evaluatedBy: event.data.evaluatedBy,
          };
    case 'BidAwarded':
      return state.status === 'none' ? state : { ...state, status: 'awarded', grantId: event.data.grantId };
    case 'BidRanked':
      return state.status === 'none' ? state : { ...state, rank: event.data.rank };
    case 'BidPassedOver':
      return state.status === 'none'
        ? state
        : { ...state, status: 'passed-over', passedOver: { reason: event.data.reason, act: event.data.act } };
    default:
      return assertNever(event);
  }
}

export const BID: Evolving<Bid, BidEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveBid,
};

export function requireBid(state: Bid, bidId: string): ExistingBid {
  if (state.status === 'none') refuse('BID_NOT_FOUND', `Bid ${bidId} does not exist`);
  return state;
}

/** The bid, to the principal that submitted it; to anyone else it does not exist (no leak of its existence). */
/** A bid whose submission sits in the log after its call's close (or cancel): decided while the call looked open, but late. */
export function isLate(bid: Pick<ExistingBid, 'arrival'>, call: { readonly closedPosition: string | null }): boolean {
  return call.closedPosition !== null && bid.arrival !== null && bid.arrival > call.closedPosition;
}

export function requireOwnBid(state: Bid, bidId: string, principal: string): ExistingBid {
  const bid = requireBid(state, bidId);
  if (bid.submittedBy !== principal) refuse('BID_NOT_FOUND', `Bid ${bidId} does not exist`);
  return bid;
}
