/**
 * How a programme manager awards down an approved ranking when many awards are sent at once: each
 * award is sent until it is answered on its merits. RANKING_ORDER says another bid is ahead: send it
 * again once the line has moved. BUDGET_EXCEEDED says the call cannot fund it: pass it over for
 * insufficient funds (once it heads the line), so the line moves on to the bids below it.
 */
import type { AwardGrant } from '../src/grants/award-grant.js';
import { ACT } from './funding.fixtures.js';
import type { Outcome, TestLedger } from './test-ledger.js';

/** How an award sent down the ranking ended. */
export type RankedOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'passed-over' }
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'conflict' };

/** How many times one award is sent before the test gives up on the line moving. */
const MAX_SENDS = 400;

export async function awardDownTheRanking(
  ledger: TestLedger,
  award: AwardGrant,
  process: number,
): Promise<RankedOutcome> {
  for (let send = 0; send < MAX_SENDS; send++) {
    const outcome: Outcome = await ledger.execute(award, process);
    if (outcome.kind === 'accepted' || outcome.kind === 'conflict') return outcome;
    if (outcome.code === 'RANKING_ORDER') continue;
    if (outcome.code !== 'BUDGET_EXCEEDED') return outcome;
    const passed = await ledger.execute(
      { type: 'PassOverBid', bidId: award.bidId, reason: 'insufficient-funds', act: ACT },
      process,
    );
    if (passed.kind === 'accepted') return { kind: 'passed-over' };
    if (passed.kind === 'refused' && passed.code !== 'RANKING_ORDER' && passed.code !== 'FUNDS_AVAILABLE')
      return { kind: 'refused', code: `PASS_OVER ${passed.code}` };
  }
  throw new Error(`Award of ${award.bidId} still waiting for the line after ${MAX_SENDS} sends`);
}

/** The awards sent at once, alternately through each process of the ledger, each down the ranking. */
export function awardAllDownTheRanking(ledger: TestLedger, awards: readonly AwardGrant[]): Promise<RankedOutcome[]> {
  return Promise.all(awards.map((award, i) => awardDownTheRanking(ledger, award, i)));
}
