import { BID, requireBid, type Bid } from '../bids/bid.js';
import { CALL, callRemainingCents, requireCall, type Call } from '../calls/call.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever, instant } from '../funding.types.js';
import { COMMITMENT_LIMIT, assertPositiveCents, type Cents } from '../money.js';
import { bidStream, callStream, grantStream } from '../streams.js';
import { GRANT, type Grant } from './grant.js';

export type AwardGrant = {
  readonly type: 'AwardGrant';
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  readonly amountCents: Cents;
};

/**
 * Awards a grant to an admissible bid: GrantAwarded creates the grant, CallBudgetCommitted draws the
 * amount from the call's budget (invariant 3), BidAwarded marks the bid so it is awarded once
 * (invariant 4): three streams, one atomic append. Awards on one call run one at a time in a process.
 */
export const awardGrant: CommandPlan<AwardGrant, { grant: Grant; call: Call; bid: Bid }> = {
  reads: (command) => ({
    grant: reading(GRANT, grantStream(command.grantId)),
    call: reading(CALL, callStream(command.callId)),
    bid: reading(BID, bidStream(command.bidId)),
  }),
  about: 'grant',
  serializeOn: 'call',
  decide(command, state, now) {
    if (state.grant.status !== 'none') refuse('GRANT_ALREADY_EXISTS', `Grant ${command.grantId} already exists`);
    assertPositiveCents(command.amountCents, 'award amount');
    const call = requireCall(state.call, command.callId);
    const bid = requireBid(state.bid, command.bidId);
    if (bid.callId !== call.callId) refuse('BID_NOT_IN_CALL', `Bid ${bid.bidId} belongs to another call`);
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
    if (command.amountCents > bid.requestedCents) refuse('AWARD_EXCEEDS_REQUEST', `Bid ${bid.bidId} requested ${bid.requestedCents} cents`);
    if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${call.callId} was cancelled`);
    const remaining = callRemainingCents(call);
    if (command.amountCents > remaining) {
      refuse('BUDGET_EXCEEDED', `Call ${call.callId} has ${remaining} cents left, award asks for ${command.amountCents}`);
    }
    if (call.committedCents + command.amountCents > COMMITMENT_LIMIT * call.budgetCents) {
      refuse('COMMITMENT_LIMIT_REACHED', `Call ${call.callId} has committed ${COMMITMENT_LIMIT} times its budget over its life; open a new call`);
    }
    const at = instant(now);
    const award = { grantId: command.grantId, callId: call.callId, bidId: bid.bidId, amountCents: command.amountCents };
    return [
      {
        type: 'GrantAwarded',
        data: {
          ...award,
          submittedBy: bid.submittedBy,
          programmeId: call.programmeId,
          measureId: call.measureId,
          fund: call.fund,
          beneficiary: bid.applicant,
          sensitive: call.sensitive,
          projectTitle: bid.projectTitle,
          awardedAt: at,
        },
      },
      { type: 'CallBudgetCommitted', data: { ...award, committedAt: at } },
      { type: 'BidAwarded', data: { ...award, awardedAt: at } },
    ];
  },
};
