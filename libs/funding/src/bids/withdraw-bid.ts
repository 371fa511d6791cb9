import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { bidStream } from '../streams.js';
import { BID, requireOwnBid, type Bid } from './bid.js';

export type WithdrawBid = {
  readonly type: 'WithdrawBid';
  readonly bidId: string;
  /** The principal asking: only the one that submitted the bid may withdraw it. */
  readonly requestedBy: string;
};

/**
 * The applicant withdraws a bid that was not awarded, through the portal that submitted it (to any
 * other principal the bid does not exist). Event: BidWithdrawn, with the status it leaves.
 */
export const withdrawBid: CommandPlan<WithdrawBid, { bid: Bid }> = {
  reads: (command) => ({ bid: reading(BID, bidStream(command.bidId)) }),
  about: 'bid',
  decide(command, state, now) {
    const bid = requireOwnBid(state.bid, command.bidId, command.requestedBy);
    const previousStatus = bid.status;
    if (previousStatus === 'withdrawn') refuse('BID_WITHDRAWN', `Bid ${bid.bidId} is already withdrawn`);
    if (previousStatus === 'awarded')
      refuse('BID_ALREADY_AWARDED', `Bid ${bid.bidId} was awarded; revoke its grant instead`);
    return [
      {
        type: 'BidWithdrawn',
        data: { bidId: bid.bidId, callId: bid.callId, previousStatus, withdrawnAt: instant(now) },
      },
    ];
  },
};
