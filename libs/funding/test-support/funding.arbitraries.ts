/**
 * Random command sequences over the funding domain, for the property tests of the domain and of
 * the read models: a programme with two measures and two open calls, then random commands (some
 * in racing pairs) while the clock moves forward.
 */
import fc from 'fast-check';
import { APPLICANT_TYPES, FUNDS } from '../src/funding.types.js';
import type { FundingCommand } from '../src/funding.commands.js';
import type { TestLedger } from './test-ledger.js';
import { ACT, awardTerms, claimItem } from './funding.fixtures.js';
import { PASS_OVER_REASONS } from '../src/bids/bid.events.js';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const DAY = 86_400_000;
export const dayAt = (day: number) => new Date(T0 + day * DAY);

const programmeId = fc.constantFrom('p1', 'p1', 'p1', 'p2');
const measureId = fc.constantFrom('m1', 'm2', 'm3');
const callId = fc.constantFrom('c1', 'c1', 'c2', 'c3');
const bidId = fc.constantFrom('b1', 'b2', 'b3', 'b4', 'b5');
/** Bids go to their own call (b1-b2 → c1, b3-b4 → c2) and now and then to another one, or one that does not exist. */
const callOfBid = (bid: string) =>
  fc.oneof({ weight: 8, arbitrary: fc.constant(bid <= 'b2' ? 'c1' : 'c2') }, { weight: 1, arbitrary: callId });
const grantId = fc.constantFrom('g1', 'g2', 'g3', 'g4');
/** The setup awards g1 and g3: new awards mostly take other ids. */
const newGrantId = fc.constantFrom('g1', 'g2', 'g2', 'g4', 'g4');
const disbursementId = fc.constantFrom('d1', 'd2', 'd3', 'd4', 'd5', 'd6');
const CLAIM_IDS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'] as const;
const claimId = fc.constantFrom(...CLAIM_IDS);
/**
 * What each claim id declares, item by item, whichever grant files it: so a verification drawn
 * at random can mostly add up (eligible + cuts = declared), and now and then does not. Each item on
 * an invoice of its own, numbered by claim id and item (a claim id is taken once).
 */
const CLAIM_ITEMS: Readonly<Record<(typeof CLAIM_IDS)[number], readonly number[]>> = {
  k1: [6_000, 4_000],
  k2: [12_000],
  k3: [1_000, 1_000, 2_000],
  k4: [25_000],
  k5: [9_000, 3_000],
  k6: [500],
};
/** Principals: the controller also evaluates now and then, and pays now and then: separation of duties must refuse it. */
const evaluator = fc.constantFrom('evaluator-1', 'evaluator-1', 'evaluator-1', 'controller-1');
const payer = fc.constantFrom('finance-1', 'finance-1', 'finance-1', 'controller-1');
const recoveryId = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6');
/** Mostly sensible integer cents, now and then a value the domain must refuse. */
const cents = (min: number, max: number) =>
  fc.oneof(
    { weight: 40, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -100, 12.5) },
  );

export const command: fc.Arbitrary<FundingCommand> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('EstablishProgramme' as const),
      programmeId,
      code: fc.constant('PRG'),
      title: fc.constant('Programme'),
      funds: fc.uniqueArray(fc.record({ fund: fc.constantFrom(...FUNDS), amountCents: cents(1_000_000, 20_000_000) }), {
        minLength: 1,
        maxLength: 2,
        selector: (s) => s.fund,
      }),
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

/** The clock moves forward by 0-2 days a step (mostly not at all), so a sequence lives through call windows and after them. */
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
  })
  .map(({ fse, fesr, budgets, caps, types, closes, awards, costPerMille }): FundingCommand[] => [
    {
      type: 'EstablishProgramme',
      programmeId: 'p1',
      code: 'P1',
      title: 'Programme',
      funds: [
        { fund: 'FSE', amountCents: 15_000_000 },
        { fund: 'FESR', amountCents: 5_000_000 },
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
    },
    {
      type: 'DefineMeasure',
      programmeId: 'p1',
      measureId: 'm2',
      code: 'M2',
      title: 'Measure 2',
      fund: 'FESR',
      allocationCents: fesr,
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

/**
 * The way money really moves after an award, as one step of commands that fit together: a claim,
 * its verification and its payment; a revocation, the recovery ordered, a receipt and a write-off.
 * Random single commands alone would seldom line their ids up that well.
 */
const claimFlow: fc.Arbitrary<FundingCommand[]> = fc
  .record({
    grantId,
    claimId,
    kind: fc.constantFrom('interim' as const, 'final' as const),
    cutPerMille: fc.constantFrom(0, 0, 500),
    amount: cents(0, 30_000),
    paidBy: payer,
    verifiedBy: fc.constantFrom('controller-1', 'controller-2'),
  })
  .map(({ grantId: grant, claimId: claim, kind, cutPerMille, amount, paidBy, verifiedBy }) => {
    const items = CLAIM_ITEMS[claim] ?? [];
    const cut = Math.floor(((items[0] ?? 0) * cutPerMille) / 1000);
    return [
      {
        type: 'SubmitExpenditureClaim',
        grantId: grant,
        claimId: claim,
        kind,
        submittedBy: 'portal-1',
        items: items.map((amountCents, i) => claimItem(amountCents, `${claim}-${i}`)),
      },
      {
        type: 'VerifyExpenditureClaim',
        claimId: claim,
        eligibleCents: items.reduce((a, b) => a + b, 0) - cut,
        cuts: cut > 0 ? [{ item: 0, amountCents: cut, reason: 'Not supported' }] : [],
        checklistRef: 'CL-1',
        onTheSpot: false,
        verifiedBy,
      },
      {
        type: 'RecordDisbursement',
        grantId: grant,
        disbursementId: `p-${claim}`,
        kind,
        claimId: claim,
        amountCents: amount,
        paidBy,
      },
    ];
  });
const recoveryFlow: fc.Arbitrary<FundingCommand[]> = fc
  .record({
    grantId,
    revoked: fc.option(cents(1_000, 60_000), { nil: null }),
    ordered: cents(500, 20_000),
    received: cents(0, 20_000),
    writeOff: fc.boolean(),
    orderId: recoveryId,
  })
  .map(({ grantId: grant, revoked, ordered, received, writeOff, orderId }) => [
    {
      type: 'RecordDisbursement',
      grantId: grant,
      disbursementId: `a-${orderId}`,
      kind: 'advance',
      claimId: null,
      amountCents: 5_000,
      paidBy: 'finance-1',
    },
    { type: 'RevokeGrant', grantId: grant, reason: 'Irregularity found', amountCents: revoked, covar: null, act: ACT },
    {
      type: 'OrderRecovery',
      grantId: grant,
      orderId,
      amountCents: ordered,
      interestRateBp: 250,
      dueDate: '2027-01-31',
      reference: 'ORD-1',
      act: ACT,
    },
    {
      type: 'RecordRecoveryReceipt',
      grantId: grant,
      receiptId: `${orderId}-r`,
      amountCents: received,
      interestCents: 100,
      receivedAt: '2026-01-01',
      reference: 'RCV-1',
    },
    ...(writeOff
      ? [
          {
            type: 'WriteOffRecovery' as const,
            grantId: grant,
            amountCents: null,
            reason: 'Beneficiary insolvent',
            act: ACT,
          },
        ]
      : []),
  ]);

/** A bid and the close of its call sent at once: the bid may land after the close, and is late. */
const closeRace: fc.Arbitrary<FundingCommand[]> = command
  .filter((c): c is Extract<FundingCommand, { type: 'SubmitBid' }> => c.type === 'SubmitBid')
  .chain((bid) =>
    fc
      .boolean()
      .map((closeFirst): FundingCommand[] =>
        closeFirst
          ? [{ type: 'CloseCall', callId: bid.callId }, bid]
          : [bid, { type: 'CloseCall', callId: bid.callId }],
      ),
  );

export type Step = { days: number; commands: FundingCommand[] };
export const step: fc.Arbitrary<Step> = fc.record({
  days: fc.constantFrom(0, 0, 0, 1, 2),
  commands: fc.oneof(
    { weight: 6, arbitrary: fc.tuple(command) },
    { weight: 3, arbitrary: fc.tuple(command, command) },
    { weight: 3, arbitrary: racingPair() },
    { weight: 2, arbitrary: claimFlow },
    { weight: 1, arbitrary: recoveryFlow },
    { weight: 1, arbitrary: closeRace },
  ),
});

/** Two commands of one kind aimed at the same money-owning stream: the races that matter. */
function racingPair(): fc.Arbitrary<[FundingCommand, FundingCommand]> {
  return command.chain((first) =>
    command
      .filter((second) => second.type === first.type)
      .map((second): [FundingCommand, FundingCommand] => [
        first,
        { ...second, ...sharedTarget(first) } as FundingCommand,
      ]),
  );
}

function sharedTarget(command: FundingCommand): Partial<FundingCommand> {
  switch (command.type) {
    case 'EstablishProgramme':
    case 'DefineMeasure':
      return { programmeId: command.programmeId };
    case 'OpenCall':
      return { programmeId: command.programmeId, measureId: command.measureId };
    case 'CloseCall':
    case 'CancelCall':
    case 'ApproveRanking':
      return { callId: command.callId };
    case 'SubmitBid':
    case 'WithdrawBid':
    case 'EvaluateBid':
    case 'PassOverBid':
      return { bidId: command.bidId };
    case 'AwardGrant':
      return { callId: command.callId };
    case 'RecordDisbursement':
    case 'RevokeGrant':
    case 'SubmitExpenditureClaim':
    case 'OrderRecovery':
    case 'RecordRecoveryReceipt':
    case 'WriteOffRecovery':
      return { grantId: command.grantId };
    case 'VerifyExpenditureClaim':
      return { claimId: command.claimId };
    case 'EraseDataSubject':
      return { subjectId: command.subjectId };
  }
}

/** A whole scenario: the setup commands, then the steps. */
export const scenario = fc.tuple(setup, fc.array(step, { minLength: 30, maxLength: 80, size: 'max' }));
export type Scenario = [FundingCommand[], Step[]];

/**
 * Plays a scenario on a ledger; `afterStep` sees the ledger after each step. Concurrently, the two
 * commands of a step go at once through the ledger's two processes and race to append.
 */
export async function play(
  ledger: TestLedger,
  [given, steps]: Scenario,
  concurrently: boolean,
  afterStep?: (commands: FundingCommand[]) => void,
): Promise<void> {
  for (const c of given) {
    const outcome = await ledger.at(dayAt(0)).execute(c);
    if (outcome.kind !== 'accepted') throw new Error(`Setup command refused: ${JSON.stringify(outcome)}`);
  }
  let day = 0;
  for (const { days, commands } of steps) {
    day += days;
    ledger.at(dayAt(day));
    if (concurrently && commands.length === 2) await ledger.executeConcurrently(commands);
    else for (const c of commands) await ledger.execute(c);
    afterStep?.(commands);
  }
}
