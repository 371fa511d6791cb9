import { checkedAct, type AdministrativeAct } from '../acts/administrative-act.js';
import { CALL, callRemainingCents, requireCall, type Call } from '../calls/call.js';
import { firstWaiting, waitingAhead, waitingLine } from '../calls/ranking.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { bidStream, callStream } from '../streams.js';
import { BID, requireBid, type Bid } from './bid.js';
import { PASS_OVER_REASONS, type PassOverReason } from './bid.events.js';

export type PassOverBid = {
  readonly type: 'PassOverBid';
  readonly bidId: string;
  readonly reason: PassOverReason;
  readonly act: AdministrativeAct;
};

type PassOverState = { bid: Bid; call?: Call } & { [ahead: `ahead:${string}`]: Bid };

/**
 * The programme manager passes over a ranked bid by an act, with its reason: BidPassedOver on the
 * bid and RankedBidPassedOver on the call, in one append (awards and pass-overs meet on the call's
 * stream, so the line is never skipped by a race). For insufficient funds, only the first bid of
 * the line, and only while the call's remaining budget does not cover its request (FUNDS_AVAILABLE);
 * it comes back to the line when money comes back to the call (`waitingLine`). Declined or
 * requirements lost: any ranked bid not awarded, for good.
 */
export const passOverBid: CommandPlan<PassOverBid, PassOverState> = {
  reads: (command) => ({ bid: reading(BID, bidStream(command.bidId)) }),
  alsoReads(command, state) {
    if (state.bid.status === 'none') return {};
    if (!state.call) return { call: reading(CALL, callStream(state.bid.callId)) };
    if (state.call.status === 'none' || command.reason !== 'insufficient-funds') return {};
    return Object.fromEntries(
      waitingAhead(state.call, command.bidId).map((bidId) => [`ahead:${bidId}`, reading(BID, bidStream(bidId))]),
    );
  },
  about: 'bid',
  decide(command, state, now) {
    const bid = requireBid(state.bid, command.bidId);
    const call = requireCall(state.call ?? { status: 'none' }, bid.callId);
    if (call.selection !== 'ranking')
      refuse(
        'NOT_A_RANKING_CALL',
        `Call ${call.callId} funds bids in order of arrival: it has no ranking to pass over`,
      );
    if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${call.callId} was cancelled`);
    if (call.ranking === null) refuse('RANKING_NOT_APPROVED', `The ranking of call ${call.callId} is not approved yet`);
    if (bid.status === 'withdrawn') refuse('BID_WITHDRAWN', `Bid ${bid.bidId} was withdrawn`);
    if (bid.status === 'awarded')
      refuse('BID_ALREADY_AWARDED', `Bid ${bid.bidId} is awarded (grant ${bid.grantId}); revoke its grant instead`);
    if (!call.ranking.ranked.some((r) => r.bidId === bid.bidId))
      refuse('BID_NOT_RANKED', `Bid ${bid.bidId} is not in the ranking of call ${call.callId}`);
    if (!PASS_OVER_REASONS.includes(command.reason))
      refuse('INVALID_INPUT', `A bid is passed over for ${PASS_OVER_REASONS.join(', ')}`);
    const act = checkedAct(command.act, now, 'pass-over');
    const passed = call.passedOver.find((p) => p.bidId === bid.bidId);
    if (passed && passed.reason !== 'insufficient-funds')
      refuse('BID_PASSED_OVER', `Bid ${bid.bidId} was passed over for good (${passed.reason})`);
    if (command.reason === 'insufficient-funds') {
      if (!waitingLine(call).some((r) => r.bidId === bid.bidId))
        refuse(
          'BID_PASSED_OVER',
          `Bid ${bid.bidId} is already passed over for insufficient funds, and no money came back to the call since`,
        );
      const head = firstWaiting(call, (bidId) => (bidId === bid.bidId ? bid : state[`ahead:${bidId}`]));
      if (head !== bid.bidId)
        refuse(
          'RANKING_ORDER',
          `Bid ${head} is ranked higher and still waiting: it is the one the money reaches first`,
          { waitingBidId: head },
        );
      const remaining = callRemainingCents(call);
      if (remaining >= bid.requestedCents)
        refuse(
          'FUNDS_AVAILABLE',
          `Call ${call.callId} has ${remaining} cents left, enough for the ${bid.requestedCents} bid ${bid.bidId} asks`,
          { remainingCents: remaining },
        );
    }
    const at = instant(now);
    const fact = { bidId: bid.bidId, callId: call.callId, reason: command.reason, act, passedOverAt: at };
    return [
      { type: 'BidPassedOver', data: fact },
      { type: 'RankedBidPassedOver', data: fact },
    ];
  },
};
