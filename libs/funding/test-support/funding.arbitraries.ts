/**
 * Random command sequences over the funding domain, for the property tests of the domain and of
 * the read models: a programme with two measures and two open calls, then random commands (some
 * in racing pairs) while the clock moves forward.
 */
import fc from 'fast-check';
import { APPLICANT_TYPES, FUNDS } from '../src/funding.types.js';
import type { FundingCommand } from '../src/funding.commands.js';
import type { TestLedger } from './test-ledger.js';
import { awardTerms } from './funding.fixtures.js';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const DAY = 86_400_000;
export const dayAt = (day: number) => new Date(T0 + day * DAY);

const programmeId = fc.constantFrom('p1', 'p1', 'p1', 'p2');
const measureId = fc.constantFrom('m1', 'm2', 'm3');
const callId = fc.constantFrom('c1', 'c1', 'c2', 'c3');
const bidId = fc.constantFrom('b1', 'b2', 'b3', 'b4', 'b5');
/** Bids go to their own call (b1-b2 → c1, b3-b4 → c2) and now and then to another one, or one that does not exist. */
const callOfBid = (bid: string) => fc.oneof({ weight: 8, arbitrary: fc.constant(bid <= 'b2' ? 'c1' : 'c2') }, { weight: 1, arbitrary: callId });
const grantId = fc.constantFrom('g1', 'g2', 'g3', 'g4');
const disbursementId = fc.constantFrom('d1', 'd2', 'd3', 'd4', 'd5', 'd6');
/** Mostly sensible integer cents, now and then a value the domain must refuse. */
const cents = (min: number, max: number) =>
  fc.oneof({ weight: 40, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(0, -100, 12.5) });

export const command: fc.Arbitrary<FundingCommand> = fc.oneof(
  { weight: 8, arbitrary: fc.record({
    type: fc.constant('EstablishProgramme' as const), programmeId, code: fc.constant('PRG'), title: fc.constant('Programme'),
    funds: fc.uniqueArray(fc.record({ fund: fc.constantFrom(...FUNDS), amountCents: cents(1_000_000, 20_000_000) }), { minLength: 1, maxLength: 2, selector: (s) => s.fund }),
  }) },
  { weight: 16, arbitrary: fc.record({
    type: fc.constant('DefineMeasure' as const), programmeId, measureId, code: measureId.map((m) => m.toUpperCase()), title: fc.constant('Measure'),
    fund: fc.constantFrom(...FUNDS), allocationCents: cents(500_000, 8_000_000),
  }) },
  { weight: 24, arbitrary: fc.record({
    type: fc.constant('OpenCall' as const), callId, programmeId, measureId, title: fc.constant('Call'), budgetCents: cents(100_000, 3_000_000),
    opensAt: fc.integer({ min: 0, max: 10 }).map((d) => dayAt(d).toISOString()),
    closesAt: fc.integer({ min: 5, max: 60 }).map((d) => dayAt(d).toISOString()),
    eligibleApplicantTypes: fc.uniqueArray(fc.constantFrom(...APPLICANT_TYPES), { minLength: 3, maxLength: 5 }),
    maxGrantCents: fc.option(cents(50_000, 1_000_000), { nil: null }),
  }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('CloseCall' as const), callId }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('CancelCall' as const), callId, reason: fc.constant('Cancelled') }) },
  { weight: 48, arbitrary: fc.record({
    type: fc.constant('SubmitBid' as const), bidId, callId: fc.constant(''), submittedBy: fc.constantFrom('portal-1', 'portal-2'),
    applicant: fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('legal-person' as const), type: fc.constantFrom(...APPLICANT_TYPES.filter((t) => t !== 'natural-person')), taxCode: fc.constant('01234567890'), name: fc.constant('Applicant') }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('natural-person' as const), type: fc.constantFrom(...APPLICANT_TYPES), subjectId: fc.constantFrom('s1', 's2'), region: fc.constant('ITC1') }) },
    ),
    projectTitle: fc.constant('Project'), requestedCents: cents(50_000, 320_000),
  }).chain((c) => callOfBid(c.bidId).map((callId) => ({ ...c, callId }))) },
  { weight: 8, arbitrary: fc.record({ type: fc.constant('WithdrawBid' as const), bidId, requestedBy: fc.constantFrom('portal-1', 'portal-1', 'portal-2') }) },
  { weight: 40, arbitrary: fc.record({
    type: fc.constant('EvaluateBid' as const), bidId, admissible: fc.constantFrom(true, true, true, false),
    score: fc.integer({ min: 0, max: 100 }),
  }).map((c) => (c.admissible ? c : { ...c, score: null })) },
  { weight: 48, arbitrary: fc.record({ type: fc.constant('AwardGrant' as const), grantId, callId: fc.constant(''), bidId, amountCents: cents(5_000, 250_000) })
    .chain((c) => callOfBid(c.bidId).map((callId) => ({ ...c, callId, ...awardTerms(c.grantId, Number.isSafeInteger(c.amountCents) ? c.amountCents : 1) }))) },
  { weight: 40, arbitrary: fc.record({
    type: fc.constant('RecordDisbursement' as const), grantId, disbursementId,
    kind: fc.constantFrom('advance' as const, 'interim' as const, 'interim' as const, 'final' as const), amountCents: cents(0, 120_000), reference: fc.constant(null),
  }) },
  { weight: 2, arbitrary: fc.record({
    type: fc.constant('EraseDataSubject' as const), subjectId: fc.constantFrom('s1', 's2'), reason: fc.constant('Asked by the subject'), records: fc.constant({ bids: [], grants: [] }),
  }) },
  { weight: 16, arbitrary: fc.record({
    type: fc.constant('RevokeGrant' as const), grantId, reason: fc.constant('Irregularity found'),
    amountCents: fc.option(cents(1_000, 150_000), { nil: undefined }),
  }) },
);

/** The clock moves forward by 0-2 days a step (mostly not at all), so a sequence lives through call windows and after them. */
/** Every sequence starts from a programme with two measures and two open calls, so the rest of the lifecycle can happen. */
export const setup: fc.Arbitrary<FundingCommand[]> = fc
  .record({
    fse: fc.integer({ min: 2_000_000, max: 9_000_000 }),
    fesr: fc.integer({ min: 1_000_000, max: 5_000_000 }),
    budgets: fc.tuple(fc.integer({ min: 200_000, max: 1_000_000 }), fc.integer({ min: 150_000, max: 600_000 })),
    caps: fc.tuple(fc.option(fc.integer({ min: 100_000, max: 300_000 }), { nil: null }), fc.option(fc.integer({ min: 100_000, max: 300_000 }), { nil: null })),
    types: fc.tuple(...[0, 1].map(() => fc.uniqueArray(fc.constantFrom(...APPLICANT_TYPES), { minLength: 3, maxLength: 5 }))),
    closes: fc.tuple(fc.integer({ min: 10, max: 60 }), fc.integer({ min: 10, max: 60 })),
  })
  .map(({ fse, fesr, budgets, caps, types, closes }) => [
    { type: 'EstablishProgramme', programmeId: 'p1', code: 'P1', title: 'Programme', funds: [{ fund: 'FSE', amountCents: 15_000_000 }, { fund: 'FESR', amountCents: 5_000_000 }] },
    { type: 'DefineMeasure', programmeId: 'p1', measureId: 'm1', code: 'M1', title: 'Measure 1', fund: 'FSE', allocationCents: fse },
    { type: 'DefineMeasure', programmeId: 'p1', measureId: 'm2', code: 'M2', title: 'Measure 2', fund: 'FESR', allocationCents: fesr },
    ...(['c1', 'c2'] as const).map((id, i) => ({
      type: 'OpenCall' as const, callId: id, programmeId: 'p1', measureId: i === 0 ? 'm1' : 'm2', title: `Call ${id}`,
      budgetCents: budgets[i] ?? 0, opensAt: dayAt(0).toISOString(), closesAt: dayAt(closes[i] ?? 10).toISOString(),
      eligibleApplicantTypes: types[i] ?? [], maxGrantCents: caps[i] ? Math.min(caps[i], budgets[i] ?? 0) : null,
    })),
  ]);

export type Step = { days: number; commands: [FundingCommand] | [FundingCommand, FundingCommand] };
export const step: fc.Arbitrary<Step> = fc.record({
  days: fc.constantFrom(0, 0, 0, 1, 2),
  commands: fc.oneof(fc.tuple(command), fc.tuple(command, command), racingPair()),
});

/** Two commands of one kind aimed at the same money-owning stream: the races that matter. */
function racingPair(): fc.Arbitrary<[FundingCommand, FundingCommand]> {
  return command.chain((first) =>
    command
      .filter((second) => second.type === first.type)
      .map((second): [FundingCommand, FundingCommand] => [first, { ...second, ...sharedTarget(first) } as FundingCommand]),
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
      return { callId: command.callId };
    case 'SubmitBid':
    case 'WithdrawBid':
    case 'EvaluateBid':
      return { bidId: command.bidId };
    case 'AwardGrant':
      return { callId: command.callId };
    case 'RecordDisbursement':
    case 'RevokeGrant':
      return { grantId: command.grantId };
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
export async function play(ledger: TestLedger, [given, steps]: Scenario, concurrently: boolean, afterStep?: (commands: FundingCommand[]) => void): Promise<void> {
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
