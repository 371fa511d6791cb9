import { refuse } from '../domain-error.js';
import { APPLICANT_TYPES, assertNever, instant, type Applicant } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { acceptsBidsAt, requireCall, type Call } from '../calls/call.decider.js';
import { assertText } from '../text.js';
import type { BidEvent } from './bid.events.js';

export type BidStatus = 'submitted' | 'withdrawn' | 'inadmissible' | 'admissible' | 'awarded';

export type ExistingBid = {
  readonly status: BidStatus;
  readonly bidId: string;
  readonly callId: string;
  readonly applicant: Applicant;
  readonly projectTitle: string;
  readonly requestedCents: Cents;
  readonly score: number | null;
  readonly grantId: string | null;
};

export type Bid = { readonly status: 'none' } | ExistingBid;

export type SubmitBid = {
  readonly type: 'SubmitBid';
  readonly bidId: string;
  readonly callId: string;
  readonly applicant: Applicant;
  readonly projectTitle: string;
  readonly requestedCents: Cents;
};

export type WithdrawBid = { readonly type: 'WithdrawBid'; readonly bidId: string };

export type EvaluateBid = {
  readonly type: 'EvaluateBid';
  readonly bidId: string;
  readonly admissible: boolean;
  readonly score?: number | null;
};

export type BidCommand = SubmitBid | WithdrawBid | EvaluateBid;

export const initialBid: Bid = { status: 'none' };

/** Submitting reads the call (window, eligibility, cap) but writes only the bid's own stream. */
export function decide(command: BidCommand, state: { bid: Bid; call: Call }, now: Date): BidEvent[] {
  switch (command.type) {
    case 'SubmitBid':
      return submit(command, state.bid, state.call, now);
    case 'WithdrawBid':
      return withdraw(command, state.bid, now);
    case 'EvaluateBid':
      return evaluate(command, state.bid, now);
    default:
      return assertNever(command);
  }
}

function submit(command: SubmitBid, bid: Bid, callState: Call, now: Date): BidEvent[] {
  if (bid.status !== 'none') refuse('BID_ALREADY_EXISTS', `Bid ${command.bidId} already exists`);
  const call = requireCall(callState, command.callId);
  if (!acceptsBidsAt(call, now)) {
    refuse('CALL_NOT_OPEN', `Call ${call.callId} is not accepting bids at ${instant(now)}`);
  }
  const { applicant } = command;
  if (!APPLICANT_TYPES.includes(applicant.type)) refuse('INVALID_INPUT', `Unknown applicant type ${String(applicant.type)}`);
  assertText(applicant.taxCode, 'applicant tax code', 32);
  assertText(applicant.name, 'applicant name');
  assertText(command.projectTitle, 'project title');
  if (!call.eligibleApplicantTypes.includes(applicant.type)) {
    refuse('APPLICANT_NOT_ELIGIBLE', `Applicants of type ${applicant.type} are not eligible for call ${call.callId}`);
  }
  assertPositiveCents(command.requestedCents, 'requested amount');
  const cap = call.maxGrantCents ?? call.budgetCents;
  if (command.requestedCents > cap) {
    refuse('REQUEST_EXCEEDS_CAP', `Call ${call.callId} accepts requests up to ${cap} cents`);
  }
  return [
    {
      type: 'BidSubmitted',
      data: {
        bidId: command.bidId,
        callId: call.callId,
        applicant: { type: applicant.type, taxCode: applicant.taxCode, name: applicant.name },
        projectTitle: command.projectTitle,
        requestedCents: command.requestedCents,
        submittedAt: instant(now),
      },
    },
  ];
}

function withdraw(command: WithdrawBid, state: Bid, now: Date): BidEvent[] {
  const bid = requireBid(state, command.bidId);
  if (bid.status === 'withdrawn') refuse('BID_WITHDRAWN', `Bid ${bid.bidId} is already withdrawn`);
  if (bid.status === 'awarded') refuse('BID_ALREADY_AWARDED', `Bid ${bid.bidId} was awarded; revoke its grant instead`);
  return [{ type: 'BidWithdrawn', data: { bidId: bid.bidId, callId: bid.callId, withdrawnAt: instant(now) } }];
}

function evaluate(command: EvaluateBid, state: Bid, now: Date): BidEvent[] {
  const bid = requireBid(state, command.bidId);
  if (bid.status === 'withdrawn') refuse('BID_WITHDRAWN', `Bid ${bid.bidId} was withdrawn`);
  if (bid.status !== 'submitted') refuse('BID_ALREADY_EVALUATED', `Bid ${bid.bidId} is already evaluated`);
  const score = command.score ?? null;
  if (command.admissible) {
    if (score === null || !Number.isInteger(score) || score < 0 || score > 100) {
      refuse('INVALID_SCORE', 'An admissible bid needs an integer score from 0 to 100');
    }
  } else if (score !== null) {
    refuse('INVALID_SCORE', 'An inadmissible bid has no score');
  }
  return [
    {
      type: 'BidEvaluated',
      data: { bidId: bid.bidId, callId: bid.callId, admissible: command.admissible, score, evaluatedAt: instant(now) },
    },
  ];
}

/** Marking the bid awarded; decided together with the call's commitment and the new grant (see grant.decider). */
export function awardBid(
  state: Bid,
  award: { bidId: string; callId: string; grantId: string; amountCents: Cents },
  now: Date,
): BidEvent[] {
  const bid = requireBid(state, award.bidId);
  if (bid.callId !== award.callId) refuse('BID_NOT_IN_CALL', `Bid ${bid.bidId} belongs to another call`);
  switch (bid.status) {
    case 'awarded':
      return refuse('BID_ALREADY_AWARDED', `Bid ${bid.bidId} is already awarded (grant ${bid.grantId})`);
    case 'withdrawn':
      return refuse('BID_WITHDRAWN', `Bid ${bid.bidId} was withdrawn`);
    case 'submitted':
      return refuse('BID_NOT_EVALUATED', `Bid ${bid.bidId} has not been evaluated`);
    case 'inadmissible':
      return refuse('BID_NOT_ADMISSIBLE', `Bid ${bid.bidId} was found inadmissible`);
    case 'admissible':
      break;
    default:
      return assertNever(bid.status);
  }
  if (award.amountCents > bid.requestedCents) {
    refuse('AWARD_EXCEEDS_REQUEST', `Bid ${bid.bidId} requested ${bid.requestedCents} cents`);
  }
  return [{ type: 'BidAwarded', data: { ...award, awardedAt: instant(now) } }];
}

export function evolve(state: Bid, event: BidEvent): Bid {
  switch (event.type) {
    case 'BidSubmitted': {
      const d = event.data;
      return {
        status: 'submitted',
        bidId: d.bidId,
        callId: d.callId,
        applicant: d.applicant,
        projectTitle: d.projectTitle,
        requestedCents: d.requestedCents,
        score: null,
        grantId: null,
      };
    }
    case 'BidWithdrawn':
      return state.status === 'none' ? state : { ...state, status: 'withdrawn' };
    case 'BidEvaluated':
      return state.status === 'none'
        ? state
        : { ...state, status: event.data.admissible ? 'admissible' : 'inadmissible', score: event.data.score };
    case 'BidAwarded':
      return state.status === 'none' ? state : { ...state, status: 'awarded', grantId: event.data.grantId };
    default:
      return assertNever(event);
  }
}

export function requireBid(state: Bid, bidId: string): ExistingBid {
  if (state.status === 'none') refuse('BID_NOT_FOUND', `Bid ${bidId} does not exist`);
  return state;
}
