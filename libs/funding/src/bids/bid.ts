import type { Evolving } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever, type Applicant } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { BidEvent } from './bid.events.js';

export const BID_STATUSES = ['submitted', 'admissible', 'inadmissible', 'withdrawn', 'awarded'] as const;
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
  readonly score: number | null;
  /** The evaluator's principal, once evaluated. */
  readonly evaluatedBy: string | null;
  readonly grantId: string | null;
};

/** A bid ("domanda"): the stream that makes "awarded at most once" (invariant 4). */
export type Bid = { readonly status: 'none' } | ExistingBid;

export function evolveBid(state: Bid, event: BidEvent): Bid {
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
        score: null,
        evaluatedBy: null,
        grantId: null,
      };
    }
    case 'BidWithdrawn':
      return state.status === 'none' ? state : { ...state, status: 'withdrawn' };
    case 'BidEvaluated':
      return state.status === 'none' ? state : { ...state, status: event.data.admissible ? 'admissible' : 'inadmissible', score: event.data.score, evaluatedBy: event.data.evaluatedBy };
    case 'BidAwarded':
      return state.status === 'none' ? state : { ...state, status: 'awarded', grantId: event.data.grantId };
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
export function requireOwnBid(state: Bid, bidId: string, principal: string): ExistingBid {
  const bid = requireBid(state, bidId);
  if (bid.submittedBy !== principal) refuse('BID_NOT_FOUND', `Bid ${bidId} does not exist`);
  return bid;
}
