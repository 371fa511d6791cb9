/**
 * Invariants 1-7 and 12-15 of docs/domain.md, checked against the recorded events alone (never against the
 * deciders' own state), so a decider that miscounts cannot vouch for itself.
 * Each returns the first violation it finds, described, or null. The checks live by what they watch:
 * the money tree (budget.invariants.ts), a grant's money and expenditure (grant.invariants.ts), the
 * selection of bids (selection.invariants.ts).
 */
import {
  awardsCarryTheirFundsSplit,
  bidAwardedOnceWithinRequestAndCap,
  callReservationsWithinMeasure,
  commitmentsWithinCallBudget,
  fundAllocationsWithinFund,
  moneyIsIntegerCentsAndTotalsAreSums,
  multiStreamDecisionsWriteEveryStream,
} from './budget.invariants.js';
import {
  disbursementsWithinAward,
  documentsClaimedOnceInsideTheEligibilityPeriod,
  paymentsWithinVerifiedExpenditure,
  revocationsReleaseOnceAndRecoverTheExcess,
} from './grant.invariants.js';
import type { Check, RecordedEvent } from './invariant-check.js';
import { arrivalOrderAndLateBids, awardsFollowTheRanking } from './selection.invariants.js';

export const INVARIANTS: ReadonlyArray<[string, Check]> = [
  ['1 measure allocations within the fund', fundAllocationsWithinFund],
  ['2 call reservations within the measure', callReservationsWithinMeasure],
  ['3 commitments within the call budget', commitmentsWithinCallBudget],
  ['2-4 multi-stream decisions write every stream', multiStreamDecisionsWriteEveryStream],
  ['4 a bid awarded once, within request and cap', bidAwardedOnceWithinRequestAndCap],
  ['5 disbursements within the award', disbursementsWithinAward],
  ['6 revocations release once and recover the excess', revocationsReleaseOnceAndRecoverTheExcess],
  ['12 payments within verified expenditure, duties separated', paymentsWithinVerifiedExpenditure],
  ['13 first-come awards follow arrival; late bids are never admissible', arrivalOrderAndLateBids],
  ['14 documents claimed once, paid inside the eligibility period', documentsClaimedOnceInsideTheEligibilityPeriod],
  ['15 ranking calls award down their approved ranking', awardsFollowTheRanking],
  ['7 integer cents; totals are sums of events', moneyIsIntegerCentsAndTotalsAreSums],
  ["#27 an award carries its fund share's co-financing and its measure's axis", awardsCarryTheirFundsSplit],
];

export function firstViolation(log: readonly RecordedEvent[]): string | null {
  for (const [, check] of INVARIANTS) {
    const violation = check(log);
    if (violation) return violation;
  }
  return null;
}
