/**
 * One random command of any type, mostly well-formed and aimed at the few ids of
 * funding-values.arbitraries.ts, now and then one the domain must refuse.
 */
import fc from 'fast-check';
import { APPLICANT_TYPES, FUNDS } from '../src/funding.types.js';
import type { FundingCommand } from '../src/funding.commands.js';
import { ACT, awardTerms, claimItem } from './funding.fixtures.js';
import { PASS_OVER_REASONS } from '../src/bids/bid.events.js';
import {
  CLAIM_ITEMS,
  bidId,
  callId,
  callOfBid,
  cents,
  claimId,
  cofinancing,
  dayAt,
  disbursementId,
  evaluator,
  grantId,
  measureId,
  newGrantId,
  payer,
  programmeId,
  recoveryId,
} from './funding-values.arbitraries.js';

export const command: fc.Arbitrary<FundingCommand> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('EstablishProgramme' as const),
      programmeId,
      code: fc.constant('PRG'),
      title: fc.constant('Programme'),
      funds: fc.uniqueArray(
        fc.record({
          fund: fc.constantFrom(...FUNDS),
          amountCents: cents(1_000_000, 20_000_000),
          cofinancing: fc.option(cofinancing, { nil: null }),
        }),
        {
          minLength: 1,
          maxLength: 2,
          selector: (s) => s.fund,
        },
      ),
    }),
  },
  {
    weight: 16,
    arbitrary: fc.record({
      type: fc.constant('DefineMeasure' as const),
      programmeId,
      measureId,
      code: measureId.map((m) => m.toUpperCase()),
      title: fc.constant('Measure'),
      fund: fc.constantFrom(...FUNDS),
      allocationCents: cents(500_000, 8_000_000),
      priorityAxis: fc.option(fc.constantFrom('I', 'II'), { nil: null }),
    }),
  },
  {
    weight: 24,
    arbitrary: fc.record({
      type: fc.constant('OpenCall' as const),
      callId,
      programmeId,
      measureId,
      title: fc.constant('Call'),
      budgetCents: cents(100_000, 3_000_000),
      opensAt: fc.integer({ min: 0, max: 10 }).map((d) => dayAt(d).toISOString()),
      closesAt: fc.integer({ min: 5, max: 60 }).map((d) => dayAt(d).toISOString()),
      eligibleApplicantTypes: fc.uniqueArray(fc.constantFrom(...APPLICANT_TYPES), { minLength: 3, maxLength: 5 }),
      maxGrantCents: fc.option(cents(50_000, 1_000_000), { nil: null }),
      advanceShareBp: fc.constantFrom(0, 2_000, 4_000, 10_000),
      fundingRateBp: fc.constantFrom(10_000, 10_000, 8_000, 5_000),
      selection: fc.constantFrom('ranking' as const, 'first-come' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('CloseCall' as const), callId }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('CancelCall' as const),
      callId: fc.constantFrom('c3', 'c3', 'c1'),
      reason: fc.constant('Cancelled'),
    }),
  },
  {
    weight: 48,
    arbitrary: fc
      .record({
        type: fc.constant('SubmitBid' as const),
        bidId,
        callId: fc.constant(''),
        submittedBy: fc.constantFrom('portal-1', 'portal-2'),
        applicant: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.record({
              kind: fc.constant('legal-person' as const),
              type: fc.constantFrom(...APPLICANT_TYPES.filter((t) => t !== 'natural-person')),
              taxCode: fc.constant('01234567890'),
              name: fc.constant('Applicant'),
            }),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              kind: fc.constant('natural-person' as const),
              type: fc.constantFrom(...APPLICANT_TYPES),
              subjectId: fc.constantFrom('s1', 's2'),
              region: fc.constant('ITC1'),
            }),
          },
        ),
        projectTitle: fc.constant('Project'),
        requestedCents: cents(50_000, 320_000),
      })
      .chain((c) => callOfBid(c.bidId).map((callId) => ({ ...c, callId }))),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('WithdrawBid' as const),
      bidId,
      requestedBy: fc.constantFrom('portal-1', 'portal-1', 'portal-2'),
    }),
  },
  {
    weight: 40,
    arbitrary: fc
      .record({
        type: fc.constant('EvaluateBid' as const),
        bidId,
        admissible: fc.constantFrom(true, true, true, false),
        score: fc.integer({ min: 0, max: 100 }),
        evaluatedBy: evaluator,
      })
      .map((c) => (c.admissible ? c : { ...c, score: null })),
  },
  {
    weight: 48,
    arbitrary: fc
      .record({
        type: fc.constant('AwardGrant' as const),
        grantId: newGrantId,
        callId: fc.constant(''),
        bidId,
        amountCents: cents(5_000, 250_000),
        costPerMille: fc.constantFrom(1000, 1000, 1250, 2000),
      })
      .chain(({ costPerMille, ...c }) =>
        callOfBid(c.bidId).map((callId) => {
          const terms = awardTerms(c.grantId, Number.isSafeInteger(c.amountCents) ? c.amountCents : 1);
          // The operation costs the award or more: an aid intensity of 100%, 80% or 50%.
          return {
            ...c,
            callId,
            ...terms,
            operation: {
              ...terms.operation,
              totalEligibleCostCents: Math.ceil((terms.operation.totalEligibleCostCents * costPerMille) / 1000),
            },
          };
        }),
      ),
  },
  {
    weight: 40,
    arbitrary: fc
      .record({
        type: fc.constant('RecordDisbursement' as const),
        grantId,
        disbursementId,
        kind: fc.constantFrom('advance' as const, 'interim' as const, 'interim' as const, 'final' as const),
        amountCents: cents(0, 120_000),
        reference: fc.constant(null),
        claimId: fc.option(claimId, { nil: null, freq: 8 }),
        paidBy: payer,
      })
      .map((c) => (c.kind === 'advance' ? { ...c, claimId: null } : c)),
  },
  {
    weight: 30,
    arbitrary: fc
      .record({
        type: fc.constant('SubmitExpenditureClaim' as const),
        grantId,
        claimId,
        kind: fc.constantFrom('interim' as const, 'interim' as const, 'interim' as const, 'final' as const),
        submittedBy: fc.constantFrom('portal-1', 'portal-1', 'portal-2'),
      })
      .map((c) => ({
        ...c,
        items: (CLAIM_ITEMS[c.claimId] ?? []).map((amountCents, i) => claimItem(amountCents, `${c.claimId}-${i}`)),
      })),
  },
  {
    weight: 30,
    arbitrary: fc
      .record({
        type: fc.constant('VerifyExpenditureClaim' as const),
        claimId,
        cutPerMille: fc.constantFrom(0, 0, 250, 1000),
        off: fc.constantFrom(0, 0, 0, 0, 0, 1),
        checklistRef: fc.constant('CL-1'),
        onTheSpot: fc.boolean(),
        verifiedBy: fc.constantFrom('controller-1', 'controller-1', 'controller-2'),
      })
      .map(({ cutPerMille, off, ...c }) => {
        const items = CLAIM_ITEMS[c.claimId] ?? [];
        const cut = Math.floor(((items[0] ?? 0) * cutPerMille) / 1000);
        const declared = items.reduce((a, b) => a + b, 0);
        return {
          ...c,
          eligibleCents: declared - cut + off,
          cuts: cut > 0 ? [{ item: 0, amountCents: cut, reason: 'Not supported' }] : [],
        };
      }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.constant('OrderRecovery' as const),
      grantId,
      orderId: recoveryId,
      amountCents: cents(500, 20_000),
      interestRateBp: fc.constant(250),
      dueDate: fc.constant('2027-01-31'),
      reference: fc.constant('ORD-1'),
      act: fc.constant(ACT),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.constant('RecordRecoveryReceipt' as const),
      grantId,
      receiptId: recoveryId,
      amountCents: cents(0, 10_000),
      interestCents: fc.constantFrom(0, 150),
      receivedAt: fc.constant('2026-01-01'),
      reference: fc.constant('RCV-1'),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('WriteOffRecovery' as const),
      grantId,
      amountCents: fc.option(cents(1_000, 50_000), { nil: null }),
      reason: fc.constant('Beneficiary insolvent'),
      act: fc.constant(ACT),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('EraseDataSubject' as const),
      subjectId: fc.constantFrom('s1', 's2'),
      reason: fc.constant('Asked by the subject'),
      records: fc.constant({ bids: [], grants: [] }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('RevokeGrant' as const),
      grantId,
      reason: fc.constant('Irregularity found'),
      amountCents: fc.option(cents(1_000, 150_000), { nil: undefined }),
      act: fc.constant(ACT),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('ApproveRanking' as const),
      callId,
      act: fc.constant(ACT),
      bidIds: fc.subarray(['b1', 'b2', 'b3', 'b4', 'b5']),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('PassOverBid' as const),
      bidId,
      reason: fc.constantFrom(...PASS_OVER_REASONS),
      act: fc.constant(ACT),
    }),
  },
);
