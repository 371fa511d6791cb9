import { checkedAct, type AdministrativeAct } from '../acts/administrative-act.js';
import { BID, isLate, requireBid, type Bid, type ExistingBid } from '../bids/bid.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { instant } from '../funding.types.js';
import { bidStream, callStream } from '../streams.js';
import { CALL, requireCall, type Call } from './call.js';
import type { RankingApproved } from './call.events.js';
import { rankingOrder } from './ranking.js';

/** How many bids one ranking may take in one decision (each is a stream read and, ranked, written). */
export const MAX_RANKED_BIDS = 5_000;

export type ApproveRanking = {
  readonly type: 'ApproveRanking';
  readonly callId: string;
  readonly act: AdministrativeAct;
  /**
   * Every bid the call received. Bids do not write their call's stream (docs/adr/0012), so the list
   * comes from the log: the API takes it from the bids read model once that has passed the call's
   * close, after which no bid can join it on time (docs/adr/0018). Each is read from its own stream.
   */
  readonly bidIds: readonly string[];
};

type RankingState = { call: Call } & { [bid: `bid:${string}`]: Bid };

/**
 * Approves the ranking ("graduatoria") of a ranking call by its act, once the call is closed and
 * every bid on time that was not withdrawn is evaluated: RankingApproved on the call (the admissible
 * bids by score, equal scores by arrival, and why the others are not in it) and BidRanked on each
 * ranked bid, in one append. A bid evaluated or withdrawn meanwhile moves a stream this append
 * writes, and the ranking is decided again.
 */
export const approveRanking: CommandPlan<ApproveRanking, RankingState> = {
  reads: (command) => ({ call: reading(CALL, callStream(command.callId)) }),
  alsoReads: (command) =>
    Object.fromEntries(
      bidsOf(command)
        .slice(0, MAX_RANKED_BIDS)
        .map((bidId) => [`bid:${bidId}`, reading(BID, bidStream(bidId))]),
    ),
  about: 'call',
  decide(command, state, now) {
    const call = requireCall(state.call, command.callId);
    if (call.selection !== 'ranking')
      refuse('NOT_A_RANKING_CALL', `Call ${call.callId} funds bids in order of arrival: it has no ranking`);
    if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${call.callId} was cancelled`);
    if (call.status !== 'closed')
      refuse(
        'CALL_NOT_CLOSED',
        `Call ${call.callId} is open: close it (POST /calls/${call.callId}/close) before approving its ranking`,
      );
    if (call.ranking !== null)
      refuse(
        'RANKING_ALREADY_APPROVED',
        `The ranking of call ${call.callId} was approved by ${call.ranking.act.number}`,
      );
    const act = checkedAct(command.act, now, 'ranking');
    const bidIds = bidsOf(command);
    if (bidIds.length > MAX_RANKED_BIDS) refuse('INVALID_INPUT', `A ranking takes at most ${MAX_RANKED_BIDS} bids`);
    const candidates: ExistingBid[] = [];
    const notRanked: Array<RankingApproved['data']['notRanked'][number]> = [];
    const notEvaluated: string[] = [];
    for (const bidId of bidIds) {
      const bid = requireBid(state[`bid:${bidId}`] ?? { status: 'none' }, bidId);
      if (bid.callId !== call.callId) refuse('BID_NOT_IN_CALL', `Bid ${bidId} belongs to call ${bid.callId}`);
      if (isLate(bid, call)) notRanked.push({ bidId, reason: 'late' });
      else if (bid.status === 'withdrawn') notRanked.push({ bidId, reason: 'withdrawn' });
      else if (bid.status === 'inadmissible') notRanked.push({ bidId, reason: 'inadmissible' });
      else if (bid.status === 'submitted') notEvaluated.push(bidId);
      // Admissible; or, on a call that awarded before rankings were approved, already awarded: ranked all the same.
      else candidates.push(bid);
    }
    if (notEvaluated.length > 0) {
      refuse(
        'BIDS_NOT_EVALUATED',
        `${notEvaluated.length} bid(s) of call ${call.callId} are not evaluated yet, e.g. ${notEvaluated[0]}`,
        { notEvaluated: notEvaluated.length, bidId: notEvaluated[0]! },
      );
    }
    const ranked = [...candidates]
      .sort(rankingOrder)
      .map((bid, i) => ({ bidId: bid.bidId, score: bid.score ?? 0, rank: i + 1 }));
    const at = instant(now);
    return [
      { type: 'RankingApproved', data: { callId: call.callId, act, ranked, notRanked, approvedAt: at } },
      ...ranked.map((r): FundingEvent => ({
        type: 'BidRanked',
        data: { bidId: r.bidId, callId: call.callId, rank: r.rank, score: r.score, act, rankedAt: at },
      })),
    ];
  },
};

function bidsOf(command: ApproveRanking): string[] {
  return Array.isArray(command.bidIds) ? [...new Set(command.bidIds)].filter((id) => typeof id === 'string') : [];
}
