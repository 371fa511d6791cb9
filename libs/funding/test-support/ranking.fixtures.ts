/**
 * Given-events of a ranking call's selection, for the decider specs: the close, the ranking
 * approved by its act, bids passed over. On call c1 of funding.fixtures.
 */
import type { BidEvent, PassOverReason } from '../src/bids/bid.events.js';
import type { CallEvent } from '../src/calls/call.events.js';
import type { FundingEvent } from '../src/funding.events.js';
import { ACT, bidAdmissible, bidSubmitted } from './funding.fixtures.js';

export const callClosed: CallEvent = {
  type: 'CallClosed',
  data: { callId: 'c1', closedAt: '2026-03-31T17:00:00.000Z' },
};

/** The ranking of c1 approved by ACT: the bids in the order given, ranked 1, 2, 3… */
export const rankingApproved = (...ranked: ReadonlyArray<readonly [bidId: string, score: number]>): CallEvent => ({
  type: 'RankingApproved',
  data: {
    callId: 'c1',
    act: ACT,
    ranked: ranked.map(([bidId, score], i) => ({ bidId, score, rank: i + 1 })),
    notRanked: [],
    approvedAt: '2026-04-25T10:00:00.000Z',
  },
});

/** b1 of funding.fixtures, ranked first and alone. */
export const b1Ranked = rankingApproved(['b1', 82]);

/** Another bid of c1, submitted (after b1 when given after it) and found admissible with `score`. */
export const admissible = (bidId: string, score: number, requestedCents = 15_000_000): FundingEvent[] => [
  { ...bidSubmitted, data: { ...bidSubmitted.data, bidId, requestedCents } } as BidEvent,
  { ...bidAdmissible, data: { ...bidAdmissible.data, bidId, score } } as BidEvent,
];

/** A bid passed over by ACT, on its own stream and on the call's. */
export const passedOver = (bidId: string, reason: PassOverReason): FundingEvent[] => {
  const fact = { bidId, callId: 'c1', reason, act: ACT, passedOverAt: '2026-05-01T09:00:00.000Z' };
  return [
    { type: 'BidPassedOver', data: fact },
    { type: 'RankedBidPassedOver', data: fact },
  ];
};
