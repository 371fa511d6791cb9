/**
 * Given-events of grant g1 for the grant specs: bid b1 of funding.fixtures admissible on the
 * ranking call c1, the call closed and b1 ranked first, then g1 awarded on it.
 */
import type { FundingEvent } from '../src/funding.events.js';
import type { GrantEvent } from '../src/grants/grant.events.js';
import {
  EUR,
  bidAdmissible,
  bidAwarded,
  bidSubmitted,
  budgetCommitted,
  callOpened,
  grantAwarded,
  programmeEstablished,
} from './funding.fixtures.js';
import { b1Ranked, callClosed } from './ranking.fixtures.js';

/** b1 admissible on the ranking call c1, closed, its ranking approved with b1 first. */
export const admissibleBid = [
  programmeEstablished,
  callOpened,
  bidSubmitted,
  bidAdmissible,
  callClosed,
  b1Ranked,
] as const;

/** A grant of EUR 120,000 on call c1; `later` events of the grant after its award. */
export const activeGrant = (...later: GrantEvent[]): FundingEvent[] => [
  ...admissibleBid,
  grantAwarded(EUR(120_000)),
  budgetCommitted(EUR(120_000)),
  bidAwarded(EUR(120_000)),
  ...later,
];
