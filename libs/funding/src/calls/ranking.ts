import { addDays } from '../acts/administrative-act.js';
import type { ExistingBid } from '../bids/bid.js';
import type { RankedBid } from './call.events.js';
import type { ExistingCall } from './call.js';

/**
 * The order of a ranking ("graduatoria"): the higher score first; equal scores by arrival, the
 * bid's place in the log (docs/adr/0012), which no one can claim to have had earlier than they did.
 */
export function rankingOrder(
  a: Pick<ExistingBid, 'bidId' | 'score' | 'arrival'>,
  b: Pick<ExistingBid, 'bidId' | 'score' | 'arrival'>,
): number {
  if ((a.score ?? -1) !== (b.score ?? -1)) return (b.score ?? -1) - (a.score ?? -1);
  if (a.arrival !== b.arrival) return a.arrival === null ? 1 : b.arrival === null ? -1 : a.arrival < b.arrival ? -1 : 1;
  return a.bidId < b.bidId ? -1 : a.bidId > b.bidId ? 1 : 0;
}

/**
 * The ranked bids the call's stream says are still waiting for money, best first ("scorrimento"):
 * neither awarded nor passed over, or passed over for insufficient funds and money has come back to
 * the call since (a revocation, a renunciation, a completion below the award, a recovery: any
 * CallBudgetReleased after the pass-over), when it takes its place in the line again. A bid passed
 * over because the applicant declined or lost a requirement never comes back. Withdrawals are on
 * the bids' own streams: the decisions read those of the bids ahead (`firstWaiting`).
 */
export function waitingLine(call: ExistingCall): RankedBid[] {
  if (call.ranking === null) return [];
  const awarded = new Set(call.awardedBidIds);
  const passedOver = new Map(call.passedOver.map((p) => [p.bidId, p]));
  return call.ranking.ranked.filter((entry) => {
    if (awarded.has(entry.bidId)) return false;
    const passed = passedOver.get(entry.bidId);
    return (
      passed === undefined || (passed.reason === 'insufficient-funds' && call.releasedCents > passed.releasedCentsThen)
    );
  });
}

/** The bids of the line ranked above `bidId` (all of the line if it is not in it): the streams a decision on it reads. */
export function waitingAhead(call: ExistingCall, bidId: string): string[] {
  const line = waitingLine(call);
  const at = line.findIndex((entry) => entry.bidId === bidId);
  return (at < 0 ? line : line.slice(0, at)).map((entry) => entry.bidId);
}

/** The first bid of the line that has not been withdrawn, by the states of the bids' streams (`bids` names every bid ahead). */
export function firstWaiting(
  call: ExistingCall,
  bids: (bidId: string) => { readonly status: string } | undefined,
): string | null {
  return waitingLine(call).find((entry) => bids(entry.bidId)?.status !== 'withdrawn')?.bidId ?? null;
}

/**
 * The days by which the ranking may be challenged, counted in calendar days from the day after its
 * act: 60 days to the regional administrative court (TAR, D.lgs. 104/2010 art. 29) and 120 days by
 * extraordinary appeal to the President of the Republic (DPR 1199/1971 art. 9). Counted from the act's
 * date, not its publication or notice; the August suspension (law 742/1969) and a last day that falls
 * on a holiday are not applied: an estimate for the officer, not legal advice.
 */
export function appealDeadlines(actDate: string): { readonly tar: string; readonly president: string } {
  return { tar: addDays(actDate, 60), president: addDays(actDate, 120) };
}
