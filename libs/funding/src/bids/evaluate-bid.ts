import { CALL, type Call } from '../calls/call.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { instant } from '../funding.types.js';
import { bidStream, callStream } from '../streams.js';
import { BID, isLate, requireBid, type Bid } from './bid.js';

export type EvaluateBid = {
  readonly type: 'EvaluateBid';
  readonly bidId: string;
  readonly admissible: boolean;
  readonly score?: number | null;
  /** The evaluator's principal, from the API key. */
  readonly evaluatedBy: string;
};

/**
 * An evaluator finds a submitted bid admissible with a score (0-100), or inadmissible: BidEvaluated.
 * A bid that arrived after its call closed is never admissible (BID_AFTER_CLOSE). In a first-come
 * call an admissible bid joins the call's queue in order of arrival (BidQueued, on the call's stream).
 */
export const evaluateBid: CommandPlan<EvaluateBid, { bid: Bid; call?: Call }> = {
  reads: (command) => ({ bid: reading(BID, bidStream(command.bidId)) }),
  alsoReads: (_command, state) =>
    state.bid.status === 'none' ? {} : { call: reading(CALL, callStream(state.bid.callId)) },
  about: 'bid',
  decide(command, state, now) {
    const bid = requireBid(state.bid, command.bidId);
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
    const call = state.call?.status === 'none' ? undefined : state.call;
    if (command.admissible && call && isLate(bid, call))
      refuse('BID_AFTER_CLOSE', `Bid ${bid.bidId} arrived after call ${call.callId} closed`);
    const at = instant(now);
    const events: FundingEvent[] = [
      {
        type: 'BidEvaluated',
        data: {
          bidId: bid.bidId,
          callId: bid.callId,
          admissible: command.admissible,
          score,
          evaluatedBy: command.evaluatedBy,
          evaluatedAt: at,
        },
      },
    ];
    if (command.admissible && call?.selection === 'first-come' && bid.arrival !== null) {
      events.push({
        type: 'BidQueued',
        data: { callId: call.callId, bidId: bid.bidId, arrival: bid.arrival, queuedAt: at },
      });
    }
    return events;
  },
};
