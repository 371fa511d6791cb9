/**
 * Invariants 1-7 of DOMAIN.md under random command sequences and random interleavings of
 * concurrent commands, checked after every step against the recorded events.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { INVARIANTS, firstViolation } from '../test-support/funding.invariants.js';
import { InMemoryLedger, type FundingCommand } from '../test-support/in-memory-ledger.js';
import { dayAt, play, scenario, type Scenario } from '../test-support/funding.arbitraries.js';
import type { FundingEventType } from './funding.events.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);
const accepted = new Map<FundingEventType, number>();
let conflicts = 0;

function run(scenarioValue: Scenario, concurrently: boolean): void {
  const ledger = new InMemoryLedger();
  play(ledger, scenarioValue, concurrently, (commands) => {
    const violation = firstViolation(ledger.log);
    if (violation) throw new Error(`Invariant ${violation}\nafter ${JSON.stringify(commands)}`);
  });
  conflicts += ledger.conflicts;
  for (const { event } of ledger.log) accepted.set(event.type, (accepted.get(event.type) ?? 0) + 1);
}

describe(`funding invariants (${INVARIANTS.map(([name]) => name.split(' ')[0]).join(', ')}) over ${RUNS} random sequences`, () => {
  it('hold after every command of a sequence', () => {
    fc.assert(fc.property(scenario, (value) => run(value, false)), { numRuns: RUNS });
  });

  it('hold when pairs of commands are decided on the same state and race to append', () => {
    fc.assert(fc.property(scenario, (value) => run(value, true)), { numRuns: RUNS });
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
    // The properties only mean something if the sequences reach every part of the lifecycle
    // (the rarest, GrantCompleted, comes about 30 times in 600 sequences: the bar is a quarter of that).
    for (const type of ['MeasureDefined', 'CallOpened', 'CallCancelled', 'BidSubmitted', 'BidEvaluated', 'GrantAwarded', 'DisbursementRecorded', 'GrantCompleted', 'GrantRevoked', 'CallBudgetReleased'] as const) {
      const count = accepted.get(type) ?? 0;
      expect(`${type}: ${count > RUNS / 50 ? 'reached' : `only ${count} times`}`).toBe(`${type}: reached`);
    }
  });
});
