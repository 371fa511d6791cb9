import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { bidStream } from '../streams.js';
import { BID, requireBid, type Bid } from './bid.js';

export type EvaluateBid = {
  readonly type: 'EvaluateBid';
  readonly bidId: string;
  readonly admissible: boolean;
  readonly score?: number | null;
  /** The evaluator's principal, from the API key. */
  readonly evaluatedBy: string;
};

/** An evaluator finds a submitted bid admissible with a score (0-100), or inadmissible. Event: BidEvaluated. */
export const evaluateBid: CommandPlan<EvaluateBid, { bid: Bid }> = {
  reads: (command) => ({ bid: reading(BID, bidStream(command.bidId)) }),
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
    return [{ type: 'BidEvaluated', data: { bidId: bid.bidId, callId: bid.callId, admissible: command.admissible, score, evaluatedBy: command.evaluatedBy, evaluatedAt: instant(now) } }];
  },
};
