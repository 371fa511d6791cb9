/** Where every random scenario starts, its figures drawn at random within bounds. */
import fc from 'fast-check';
import { APPLICANT_TYPES } from '../src/funding.types.js';
import type { FundingCommand } from '../src/funding.commands.js';
import { ACT, awardTerms } from './funding.fixtures.js';
import { cofinancing, dayAt } from './funding-values.arbitraries.js';

/**
 * Every sequence starts from a programme with two measures, two calls and a grant on each (g1 on c1,
 * a ranking call closed with its ranking approved and b2 waiting behind b1; g3 on c2, a first-come
 * call still open), so the rest of the lifecycle can happen.
 */
export const setup: fc.Arbitrary<FundingCommand[]> = fc
  .record({
    fse: fc.integer({ min: 2_000_000, max: 9_000_000 }),
    fesr: fc.integer({ min: 1_000_000, max: 5_000_000 }),
    budgets: fc.tuple(fc.integer({ min: 200_000, max: 1_000_000 }), fc.integer({ min: 150_000, max: 600_000 })),
    caps: fc.tuple(
      fc.option(fc.integer({ min: 100_000, max: 300_000 }), { nil: null }),
      fc.option(fc.integer({ min: 100_000, max: 300_000 }), { nil: null }),
    ),
    types: fc.tuple(
      ...[0, 1].map(() => fc.uniqueArray(fc.constantFrom(...APPLICANT_TYPES), { minLength: 3, maxLength: 5 })),
    ),
    closes: fc.tuple(fc.integer({ min: 10, max: 60 }), fc.integer({ min: 10, max: 60 })),
    awards: fc.tuple(fc.integer({ min: 20_000, max: 100_000 }), fc.integer({ min: 20_000, max: 100_000 })),
    costPerMille: fc.constantFrom(1000, 1250, 2000),
    // FSE's split always stated, so that g1's money is always split; FESR's now and then not (issue #27).
    splits: fc.tuple(cofinancing, fc.option(cofinancing, { nil: null })),
    axes: fc.tuple(fc.constantFrom('I', 'II'), fc.option(fc.constant('III'), { nil: null })),
  })
  .map(({ fse, fesr, budgets, caps, types, closes, awards, costPerMille, splits, axes }): FundingCommand[] => [
    {
      type: 'EstablishProgramme',
      programmeId: 'p1',
      code: 'P1',
      title: 'Programme',
      funds: [
        { fund: 'FSE', amountCents: 15_000_000, cofinancing: splits[0] },
        { fund: 'FESR', amountCents: 5_000_000, cofinancing: splits[1] },
      ],
    },
    {
      type: 'DefineMeasure',
      programmeId: 'p1',
      measureId: 'm1',
      code: 'M1',
      title: 'Measure 1',
      fund: 'FSE',
      allocationCents: fse,
      priorityAxis: axes[0],
    },
    {
      type: 'DefineMeasure',
      programmeId: 'p1',
      measureId: 'm2',
      code: 'M2',
      title: 'Measure 2',
      fund: 'FESR',
      allocationCents: fesr,
      priorityAxis: axes[1],
    },
    ...(['c1', 'c2'] as const).map((id, i) => ({
      type: 'OpenCall' as const,
      callId: id,
      programmeId: 'p1',
      measureId: i === 0 ? 'm1' : 'm2',
      title: `Call ${id}`,
      budgetCents: budgets[i] ?? 0,
      opensAt: dayAt(0).toISOString(),
      closesAt: dayAt(closes[i] ?? 10).toISOString(),
      eligibleApplicantTypes: types[i] ?? [],
      maxGrantCents: caps[i] ? Math.min(caps[i], budgets[i] ?? 0) : null,
      advanceShareBp: i === 0 ? 4_000 : 10_000,
      // c1 pays 80% of verified expenditure (its grant's award capped at it or below), c2 all of it.
      fundingRateBp: i === 0 ? 8_000 : 10_000,
      selection: i === 0 ? ('ranking' as const) : ('first-come' as const),
    })),
    ...(['c1', 'c2'] as const).flatMap((call, i): FundingCommand[] => {
      const [bid, grant] = i === 0 ? ['b1', 'g1'] : ['b3', 'g3'];
      const amount = Math.min(awards[i] ?? 20_000, caps[i] ?? Infinity, budgets[i] ?? 0);
      const terms = awardTerms(grant, amount);
      const applicant = {
        kind: 'legal-person' as const,
        type: types[i]!.find((t) => t !== 'natural-person')!,
        taxCode: '01234567890',
        name: 'Applicant',
      };
      const award: FundingCommand = {
        type: 'AwardGrant',
        grantId: grant,
        callId: call,
        bidId: bid,
        amountCents: amount,
        ...terms,
        operation: { ...terms.operation, totalEligibleCostCents: Math.ceil((amount * costPerMille) / 1000) },
      };
      const submitted: FundingCommand[] = [
        {
          type: 'SubmitBid',
          bidId: bid,
          callId: call,
          submittedBy: 'portal-1',
          applicant,
          projectTitle: 'Project',
          requestedCents: amount,
        },
        { type: 'EvaluateBid', bidId: bid, admissible: true, score: 80, evaluatedBy: 'evaluator-1' },
      ];
      if (i === 1) return [...submitted, award];
      // The ranking call c1 awards by its approved ranking: b1 first, b2 waiting behind it (invariant 15).
      return [
        ...submitted,
        {
          type: 'SubmitBid',
          bidId: 'b2',
          callId: call,
          submittedBy: 'portal-1',
          applicant,
          projectTitle: 'Project 2',
          requestedCents: amount,
        },
        { type: 'EvaluateBid', bidId: 'b2', admissible: true, score: 70, evaluatedBy: 'evaluator-1' },
        { type: 'CloseCall', callId: call },
        { type: 'ApproveRanking', callId: call, act: ACT, bidIds: [bid, 'b2'] },
        award,
      ];
    }),
  ]);
