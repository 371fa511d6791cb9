/**
 * The selection's invariants (13 and 15 of docs/domain.md), in log order: first-come calls award by
 * arrival and never a late bid; ranking calls award down their approved ranking.
 */
import type { Check } from './invariant-check.js';

/**
 * Invariant 13, in log order: a bid that arrived after its call's close is never found admissible
 * nor awarded; in a first-come call no bid is awarded while one that arrived earlier is admissible
 * and waiting.
 */
export const arrivalOrderAndLateBids: Check = (log) => {
  const closedAt = new Map<string, number>();
  const selection = new Map<string, string>();
  const bids = new Map<string, { callId: string; arrival: number; status: 'submitted' | 'admissible' | 'other' }>();
  for (const [index, { event }] of log.entries()) {
    switch (event.type) {
      case 'CallOpened':
        selection.set(event.data.callId, event.data.selection);
        break;
      case 'CallClosed':
      case 'CallCancelled':
        if (!closedAt.has(event.data.callId)) closedAt.set(event.data.callId, index);
        break;
      case 'BidSubmitted':
        bids.set(event.data.bidId, { callId: event.data.callId, arrival: index, status: 'submitted' });
        break;
      case 'BidWithdrawn': {
        const bid = bids.get(event.data.bidId);
        if (bid) bid.status = 'other';
        break;
      }
      case 'BidEvaluated':
      case 'BidAwarded': {
        const bid = bids.get(event.data.bidId);
        if (!bid) return `13: ${event.data.bidId} ${event.type} without a submission`;
        const late = bid.arrival > (closedAt.get(bid.callId) ?? Infinity);
        if (late && (event.type === 'BidAwarded' || event.data.admissible))
          return `13: bid ${event.data.bidId} arrived after its call closed and was ${event.type === 'BidAwarded' ? 'awarded' : 'found admissible'}`;
        if (event.type === 'BidAwarded' && selection.get(bid.callId) === 'first-come') {
          const earlier = [...bids].find(
            ([id, other]) =>
              id !== event.data.bidId &&
              other.callId === bid.callId &&
              other.arrival < bid.arrival &&
              other.status === 'admissible',
          );
          if (earlier)
            return `13: bid ${event.data.bidId} awarded while ${earlier[0]}, earlier, was admissible and waiting`;
        }
        bid.status = event.type === 'BidEvaluated' && event.data.admissible ? 'admissible' : 'other';
        break;
      }
    }
  }
  return null;
};

/**
 * Invariant 15, in log order: a ranking call awards nothing before its ranking is approved, and
 * every award, and every pass-over for insufficient funds, goes to the highest-ranked bid still
 * waiting: not awarded, not withdrawn, not passed over (one passed over for insufficient funds waits
 * again once money was released to the call after its pass-over).
 */
export const awardsFollowTheRanking: Check = (log) => {
  const selection = new Map<string, string>();
  const ranking = new Map<string, string[]>();
  const released = new Map<string, number>();
  const withdrawn = new Set<string>();
  const awarded = new Set<string>();
  const passedOver = new Map<string, { reason: string; releasedThen: number }>();
  const head = (callId: string) =>
    ranking.get(callId)?.find((bidId) => {
      if (awarded.has(bidId) || withdrawn.has(bidId)) return false;
      const passed = passedOver.get(bidId);
      return !passed || (passed.reason === 'insufficient-funds' && (released.get(callId) ?? 0) > passed.releasedThen);
    }) ?? null;
  for (const { event } of log) {
    switch (event.type) {
      case 'CallOpened':
        selection.set(event.data.callId, event.data.selection);
        break;
      case 'RankingApproved':
        if (ranking.has(event.data.callId)) return `15: call ${event.data.callId} ranked twice`;
        ranking.set(
          event.data.callId,
          [...event.data.ranked].sort((a, b) => a.rank - b.rank).map((r) => r.bidId),
        );
        break;
      case 'CallBudgetReleased':
        released.set(event.data.callId, (released.get(event.data.callId) ?? 0) + event.data.amountCents);
        break;
      case 'BidWithdrawn':
        withdrawn.add(event.data.bidId);
        break;
      case 'RankedBidPassedOver': {
        const { callId, bidId, reason } = event.data;
        if (reason === 'insufficient-funds' && head(callId) !== bidId)
          return `15: ${bidId} passed over for insufficient funds while ${head(callId)} headed the line of ${callId}`;
        passedOver.set(bidId, { reason, releasedThen: released.get(callId) ?? 0 });
        break;
      }
      case 'CallBudgetCommitted': {
        const { callId, bidId } = event.data;
        if (selection.get(callId) === 'ranking') {
          if (!ranking.has(callId)) return `15: ${bidId} awarded on ${callId} before its ranking was approved`;
          const first = head(callId);
          if (first !== bidId) return `15: ${bidId} awarded on ${callId} while ${first} was ranked higher and waiting`;
        }
        awarded.add(bidId);
        break;
      }
    }
  }
  return null;
};
