/**
 * The property tests' setup of one call: programme p1 with EUR 100,000 of FSE, its measure m1 with
 * EUR 50,000, and call c1 of `budget` on it for companies, open from day 0 to day 30; companies' bids on it.
 */
import type { FundingCommand } from '../src/funding.commands.js';
import { dayAt } from './funding.arbitraries.js';

/** Programme p1 with `fundCents` of FSE, and its measure m1 with `allocationCents` of it. */
export const programmeWithOneMeasure = (fundCents: number, allocationCents: number): FundingCommand[] => [
  {
    type: 'EstablishProgramme',
    programmeId: 'p1',
    code: 'P1',
    title: 'Programme',
    funds: [{ fund: 'FSE', amountCents: fundCents }],
  },
  {
    type: 'DefineMeasure',
    programmeId: 'p1',
    measureId: 'm1',
    code: 'M1',
    title: 'Measure',
    fund: 'FSE',
    allocationCents,
  },
];

export const programmeWithOneCall = (
  budget: number,
  advanceShareBp = 0,
  selection: 'ranking' | 'first-come' = 'ranking',
): FundingCommand[] => [
  ...programmeWithOneMeasure(10_000_000, 5_000_000),
  {
    type: 'OpenCall',
    callId: 'c1',
    programmeId: 'p1',
    measureId: 'm1',
    title: 'Call',
    budgetCents: budget,
    opensAt: dayAt(0).toISOString(),
    closesAt: dayAt(30).toISOString(),
    eligibleApplicantTypes: ['company'],
    advanceShareBp,
    selection,
  },
];

/** Company i's bid b{i} on call c1 for `requestedCents`. */
export const companyBidOnC1 = (i: number, requestedCents: number): FundingCommand => ({
  type: 'SubmitBid',
  bidId: `b${i}`,
  callId: 'c1',
  submittedBy: 'portal-1',
  applicant: { kind: 'legal-person', type: 'company', taxCode: `0000000000${i}`, name: `Company ${i}` },
  projectTitle: 'Project',
  requestedCents,
});
