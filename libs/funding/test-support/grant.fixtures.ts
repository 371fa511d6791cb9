/**
 * Given-events of grant g1 for the grant specs: bid b1 of funding.fixtures admissible on the
 * ranking call c1, the call closed and b1 ranked first, then g1 awarded on it; or, for the specs of
 * what follows an award, g1 awarded on c1 while it is open.
 */
import type { FundingEvent } from '../src/funding.events.js';
import type { AwardGrant } from '../src/grants/award-grant.js';
import type { GrantEvent } from '../src/grants/grant.events.js';
import {
  ACT,
  CUP_G1,
  EUR,
  OPERATION,
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

/** The award of g1 on b1, EUR 120,000 on the operation of funding.fixtures, by its act. */
export const awardG1: AwardGrant = {
  type: 'AwardGrant',
  grantId: 'g1',
  callId: 'c1',
  bidId: 'b1',
  amountCents: EUR(120_000),
  cup: CUP_G1,
  operation: OPERATION,
  act: ACT,
};

/** The award of g1, EUR 120,000, on b1: the grant, the call's budget committed, the bid awarded. */
const g1Awarded = (): FundingEvent[] => [
  grantAwarded(EUR(120_000)),
  budgetCommitted(EUR(120_000)),
  bidAwarded(EUR(120_000)),
];

/** A grant of EUR 120,000 on call c1; `later` events of the grant after its award. */
export const activeGrant = (...later: GrantEvent[]): FundingEvent[] => [...admissibleBid, ...g1Awarded(), ...later];

/** A grant of EUR 120,000 awarded on call c1 while it is open, with no ranking; `later` events of the grant after its award. */
export const grantOnOpenCall = (...later: GrantEvent[]): FundingEvent[] => [
  programmeEstablished,
  callOpened,
  bidSubmitted,
  bidAdmissible,
  ...g1Awarded(),
  ...later,
];

// A grant whose call lets it all be paid in advance: payments need no claim.
const allInAdvance = {
  ...grantAwarded(EUR(120_000)),
  data: { ...grantAwarded(EUR(120_000)).data, advanceShareBp: 10_000 },
} as FundingEvent;

/** The events up to the award of g1 on the open call c1, EUR 120,000 all payable in advance. */
export const grantPaidInAdvance: FundingEvent[] = [
  callOpened,
  bidSubmitted,
  bidAdmissible,
  allInAdvance,
  budgetCommitted(EUR(120_000)),
  bidAwarded(EUR(120_000)),
];
