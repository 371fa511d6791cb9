/**
 * Invariants 1-7 of DOMAIN.md under random command sequences and random interleavings of
 * concurrent commands, checked after every step against the recorded events.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { INVARIANTS, firstViolation } from '../test-support/funding.invariants.js';
import { InMemoryLedger, type FundingCommand } from '../test-support/in-memory-ledger.js';
import { APPLICANT_TYPES, FUNDS } from './funding.types.js';
import type { FundingEventType } from './funding.events.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const DAY = 86_400_000;
const dayAt = (day: number) => new Date(T0 + day * DAY);

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

const command: fc.Arbitrary<FundingCommand> = fc.oneof(
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
    type: fc.constant('SubmitBid' as const), bidId, callId: fc.constant(''),
    applicant: fc.record({ type: fc.constantFrom(...APPLICANT_TYPES), taxCode: fc.constant('01234567890'), name: fc.constant('Applicant') }),
    projectTitle: fc.constant('Project'), requestedCents: cents(50_000, 320_000),
  }).chain((c) => callOfBid(c.bidId).map((callId) => ({ ...c, callId }))) },
  { weight: 8, arbitrary: fc.record({ type: fc.constant('WithdrawBid' as const), bidId }) },
  { weight: 40, arbitrary: fc.record({
    type: fc.constant('EvaluateBid' as const), bidId, admissible: fc.constantFrom(true, true, true, false),
    score: fc.integer({ min: 0, max: 100 }),
  }).map((c) => (c.admissible ? c : { ...c, score: null })) },
  { weight: 48, arbitrary: fc.record({ type: fc.constant('AwardGrant' as const), grantId, callId: fc.constant(''), bidId, amountCents: cents(5_000, 250_000) })
    .chain((c) => callOfBid(c.bidId).map((callId) => ({ ...c, callId }))) },
  { weight: 40, arbitrary: fc.record({
    type: fc.constant('RecordDisbursement' as const), grantId, disbursementId,
    kind: fc.constantFrom('advance' as const, 'interim' as const, 'interim' as const, 'final' as const), amountCents: cents(0, 120_000), reference: fc.constant(null),
  }) },
  { weight: 16, arbitrary: fc.record({
    type: fc.constant('RevokeGrant' as const), grantId, reason: fc.constant('Irregularity found'),
    amountCents: fc.option(cents(1_000, 150_000), { nil: undefined }),
  }) },
);

/** The clock moves forward by 0-2 days a step (mostly not at all), so a sequence lives through call windows and after them. */
/** Every sequence starts from a programme with two measures and two open calls, so the rest of the lifecycle can happen. */
const setup: fc.Arbitrary<FundingCommand[]> = fc
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

type Step = { days: number; commands: [FundingCommand] | [FundingCommand, FundingCommand] };
const step: fc.Arbitrary<Step> = fc.record({
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
  }
}

const accepted = new Map<FundingEventType, number>();
let conflicts = 0;

function run([given, steps]: [FundingCommand[], Step[]], concurrently: boolean): void {
  const ledger = new InMemoryLedger();
  for (const c of given) expect(ledger.execute(c, dayAt(0))).toEqual({ kind: 'accepted' });
  let day = 0;
  for (const { days, commands } of steps) {
    day += days;
    const now = dayAt(day);
    if (concurrently && commands.length === 2) {
      ledger.executeConcurrently(commands, now);
    } else {
      for (const c of commands) ledger.execute(c, now);
    }
    const violation = firstViolation(ledger.log);
    if (violation) throw new Error(`Invariant ${violation}\nafter ${JSON.stringify(commands)}`);
  }
  conflicts += ledger.conflicts;
  for (const { event } of ledger.log) accepted.set(event.type, (accepted.get(event.type) ?? 0) + 1);
}

describe(`funding invariants (${INVARIANTS.map(([name]) => name.split(' ')[0]).join(', ')}) over ${RUNS} random sequences`, () => {
  it('hold after every command of a sequence', () => {
    fc.assert(fc.property(fc.tuple(setup, fc.array(step, { minLength: 30, maxLength: 80, size: 'max' })), (steps) => run(steps, false)), { numRuns: RUNS });
  });

  it('hold when pairs of commands are decided on the same state and race to append', () => {
    fc.assert(fc.property(fc.tuple(setup, fc.array(step, { minLength: 30, maxLength: 80, size: 'max' })), (steps) => run(steps, true)), { numRuns: RUNS });
  });

  it('hold when many awards race for one call budget', () => {
    const scenario = fc.record({
      budget: fc.integer({ min: 100_000, max: 1_000_000 }),
      bids: fc.array(fc.record({ requested: fc.integer({ min: 20_000, max: 300_000 }), award: fc.integer({ min: 10_000, max: 300_000 }) }), { minLength: 2, maxLength: 12 }),
    });
    fc.assert(
      fc.property(scenario, ({ budget, bids: offers }) => {
        const ledger = new InMemoryLedger();
        const given: FundingCommand[] = [
          { type: 'EstablishProgramme', programmeId: 'p1', code: 'P1', title: 'Programme', funds: [{ fund: 'FSE', amountCents: 10_000_000 }] },
          { type: 'DefineMeasure', programmeId: 'p1', measureId: 'm1', code: 'M1', title: 'Measure', fund: 'FSE', allocationCents: 5_000_000 },
          { type: 'OpenCall', callId: 'c1', programmeId: 'p1', measureId: 'm1', title: 'Call', budgetCents: budget, opensAt: dayAt(0).toISOString(), closesAt: dayAt(30).toISOString(), eligibleApplicantTypes: ['company'] },
          ...offers.flatMap(({ requested }, i): FundingCommand[] => [
            { type: 'SubmitBid', bidId: `b${i}`, callId: 'c1', applicant: { type: 'company', taxCode: `0000000000${i}`, name: `Company ${i}` }, projectTitle: 'Project', requestedCents: Math.min(requested, budget) },
            { type: 'EvaluateBid', bidId: `b${i}`, admissible: true, score: 70 },
          ]),
        ];
        for (const c of given) expect(ledger.execute(c, dayAt(1))).toEqual({ kind: 'accepted' });
        const awards = offers.map(({ requested, award }, i): FundingCommand => ({
          type: 'AwardGrant', grantId: `g${i}`, callId: 'c1', bidId: `b${i}`, amountCents: Math.min(award, requested, budget),
        }));
        const outcomes = ledger.executeConcurrently(awards, dayAt(40));
        conflicts += ledger.conflicts;
        const violation = firstViolation(ledger.log);
        if (violation) throw new Error(`Invariant ${violation}`);
        // Every award that fits is accepted; the ones refused are refused for the budget, or lost the race.
        for (const outcome of outcomes) {
          if (outcome.kind === 'refused') expect(outcome.code).toBe('BUDGET_EXCEEDED');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('hold when many disbursements race for one grant', () => {
    const scenario = fc.record({
      award: fc.integer({ min: 50_000, max: 300_000 }),
      payments: fc.array(fc.record({ kind: fc.constantFrom('advance' as const, 'interim' as const, 'final' as const), amount: fc.integer({ min: 0, max: 150_000 }) }), { minLength: 2, maxLength: 12 }),
    });
    fc.assert(
      fc.property(scenario, ({ award, payments }) => {
        const ledger = new InMemoryLedger();
        const given: FundingCommand[] = [
          { type: 'EstablishProgramme', programmeId: 'p1', code: 'P1', title: 'Programme', funds: [{ fund: 'FSE', amountCents: 10_000_000 }] },
          { type: 'DefineMeasure', programmeId: 'p1', measureId: 'm1', code: 'M1', title: 'Measure', fund: 'FSE', allocationCents: 5_000_000 },
          { type: 'OpenCall', callId: 'c1', programmeId: 'p1', measureId: 'm1', title: 'Call', budgetCents: 1_000_000, opensAt: dayAt(0).toISOString(), closesAt: dayAt(30).toISOString(), eligibleApplicantTypes: ['company'] },
          { type: 'SubmitBid', bidId: 'b1', callId: 'c1', applicant: { type: 'company', taxCode: '01234567890', name: 'Company' }, projectTitle: 'Project', requestedCents: award },
          { type: 'EvaluateBid', bidId: 'b1', admissible: true, score: 70 },
          { type: 'AwardGrant', grantId: 'g1', callId: 'c1', bidId: 'b1', amountCents: award },
        ];
        for (const c of given) expect(ledger.execute(c, dayAt(1))).toEqual({ kind: 'accepted' });
        ledger.executeConcurrently(
          payments.map(({ kind, amount }, i) => ({ type: 'RecordDisbursement', grantId: 'g1', disbursementId: `d${i}`, kind, amountCents: amount })),
          dayAt(60),
        );
        conflicts += ledger.conflicts;
        const violation = firstViolation(ledger.log);
        if (violation) throw new Error(`Invariant ${violation}`);
      }),
      { numRuns: RUNS },
    );
  });

  afterAll(() => {
    // ...and if the interleavings really race: appends refused for a stale revision, then retried.
    expect(conflicts).toBeGreaterThan(RUNS / 10);
    // The properties only mean something if the sequences reach every part of the lifecycle.
    for (const type of ['MeasureDefined', 'CallOpened', 'CallCancelled', 'BidSubmitted', 'BidEvaluated', 'GrantAwarded', 'DisbursementRecorded', 'GrantCompleted', 'GrantRevoked', 'CallBudgetReleased'] as const) {
      const count = accepted.get(type) ?? 0;
      expect(`${type}: ${count > RUNS / 20 ? 'reached' : `only ${count} times`}`).toBe(`${type}: reached`);
    }
  });
});
