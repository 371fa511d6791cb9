/**
 * Invariants of docs/domain.md under random command sequences and random interleavings of
 * concurrent commands, checked after every step against the recorded events. Every command runs
 * through the product's own CommandPipeline, on an in-memory event store; racing commands go
 * through two pipelines at once, as through two API processes on one data directory.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { INVARIANTS, firstViolation } from '../test-support/funding.invariants.js';
import { TestLedger } from '../test-support/test-ledger.js';
import {
  CONTROLLER,
  EVALUATOR,
  FINANCE_OFFICER,
  OPERATION,
  PORTAL,
  awardTerms,
  claimItem,
} from '../test-support/funding.fixtures.js';
import { dayAt, play, scenario, type Scenario } from '../test-support/funding.arbitraries.js';
import { awardAllDownTheRanking } from '../test-support/down-the-ranking.js';
import { ACT } from '../test-support/funding.fixtures.js';
import {
  companyBidOnC1,
  programmeWithOneCall,
  programmeWithOneMeasure,
} from '../test-support/programme-with-one-call.js';
import type { AwardGrant } from './grants/award-grant.js';
import type { FundingCommand } from './funding.commands.js';
import type { FundingEventType } from './funding.events.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);
const accepted = new Map<FundingEventType, number>();
let conflicts = 0;

async function run(scenarioValue: Scenario, concurrently: boolean): Promise<void> {
  const ledger = new TestLedger();
  await play(ledger, scenarioValue, concurrently, (commands) => {
    const violation = firstViolation(ledger.log);
    if (violation) throw new Error(`Invariant ${violation}\nafter ${JSON.stringify(commands)}`);
  });
  conflicts += ledger.conflicts;
  for (const { event } of ledger.log) accepted.set(event.type, (accepted.get(event.type) ?? 0) + 1);
}

async function given(ledger: TestLedger, commands: readonly FundingCommand[]): Promise<void> {
  for (const c of commands) expect(await ledger.at(dayAt(1)).execute(c)).toEqual({ kind: 'accepted' });
}

describe(`funding invariants (${INVARIANTS.map(([name]) => name.split(' ')[0]).join(', ')}) over ${RUNS} random sequences`, () => {
  it('hold after every command of a sequence', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (value) => run(value, false)),
      { numRuns: RUNS },
    );
  });

  it('hold when pairs of commands go through two processes at once and race to append', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (value) => run(value, true)),
      { numRuns: RUNS },
    );
  });

  it('hold when many awards race for one call budget through two processes, and losing a race is never an answer', async () => {
    const offers = fc.record({
      budget: fc.integer({ min: 100_000, max: 1_000_000 }),
      bids: fc.array(
        fc.record({
          requested: fc.integer({ min: 20_000, max: 300_000 }),
          award: fc.integer({ min: 10_000, max: 300_000 }),
        }),
        { minLength: 2, maxLength: 12 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(offers, async ({ budget, bids }) => {
        const ledger = new TestLedger();
        await given(ledger, [
          ...programmeWithOneCall(budget),
          ...bids.flatMap(({ requested }, i): FundingCommand[] => [
            companyBidOnC1(i, Math.min(requested, budget)),
            { type: 'EvaluateBid', bidId: `b${i}`, admissible: true, score: 70, evaluatedBy: EVALUATOR },
          ]),
          // A ranking call awards once closed and ranked (equal scores: by arrival).
          { type: 'CloseCall', callId: 'c1' },
          { type: 'ApproveRanking', callId: 'c1', act: ACT, bidIds: bids.map((_, i) => `b${i}`) },
        ]);
        const awards = bids.map(({ requested, award }, i): AwardGrant => ({
          type: 'AwardGrant',
          grantId: `g${i}`,
          callId: 'c1',
          bidId: `b${i}`,
          amountCents: Math.min(award, requested, budget),
          ...awardTerms(`g${i}`, Math.min(award, requested, budget)),
        }));
        // Sent at once, each until it is answered on its merits: down the ranking (test-support/down-the-ranking.ts).
        const outcomes = await awardAllDownTheRanking(ledger.at(dayAt(40)), awards);
        conflicts += ledger.conflicts;
        const violation = firstViolation(ledger.log);
        if (violation) throw new Error(`Invariant ${violation}`);
        // A lost race is decided again on fresh state: every award is accepted, or refused for the budget and passed over.
        for (const outcome of outcomes)
          expect(outcome.kind === 'accepted' || outcome.kind === 'passed-over').toBe(true);
        // ...and none is refused while it would still have fitted.
        const committed = ledger.log
          .filter((e) => e.event.type === 'CallBudgetCommitted')
          .reduce((sum, e) => sum + (e.event.data as { amountCents: number }).amountCents, 0);
        awards.forEach((award, i) => {
          if (outcomes[i]!.kind === 'passed-over') expect(award.amountCents).toBeGreaterThan(budget - committed);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('hold when many payments race for one grant and its verified claims through two processes (invariants 5, 12)', async () => {
    const payments = fc.record({
      award: fc.integer({ min: 50_000, max: 300_000 }),
      costPerMille: fc.constantFrom(1000, 1250, 2000),
      claims: fc.array(fc.integer({ min: 1_000, max: 120_000 }), { minLength: 1, maxLength: 3 }),
      payments: fc.array(
        fc.record({
          kind: fc.constantFrom('advance' as const, 'interim' as const, 'interim' as const, 'final' as const),
          claim: fc.nat({ max: 3 }),
          amount: fc.integer({ min: 0, max: 150_000 }),
        }),
        { minLength: 2, maxLength: 12 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(payments, async ({ award, costPerMille, claims, payments: tranches }) => {
        const ledger = new TestLedger();
        const cost = Math.ceil((award * costPerMille) / 1000);
        // Interim claims, then a final one: each verified with all it declares eligible (within the operation's cost).
        const kinds = claims.map((_, i) =>
          i === claims.length - 1 && claims.length > 1 ? ('final' as const) : ('interim' as const),
        );
        await given(ledger, [
          // One bid, funded on arrival: the payments are the race here.
          ...programmeWithOneCall(1_000_000, 4_000, 'first-come'),
          {
            type: 'SubmitBid',
            bidId: 'b1',
            callId: 'c1',
            submittedBy: PORTAL,
            applicant: { kind: 'legal-person', type: 'company', taxCode: '01234567890', name: 'Company' },
            projectTitle: 'Project',
            requestedCents: award,
          },
          { type: 'EvaluateBid', bidId: 'b1', admissible: true, score: 70, evaluatedBy: EVALUATOR },
          {
            type: 'AwardGrant',
            grantId: 'g1',
            callId: 'c1',
            bidId: 'b1',
            amountCents: award,
            ...awardTerms('g1', award),
            operation: { ...OPERATION, totalEligibleCostCents: cost },
          },
          ...claims.flatMap((amount, i): FundingCommand[] => [
            {
              type: 'SubmitExpenditureClaim',
              grantId: 'g1',
              claimId: `k${i}`,
              kind: kinds[i]!,
              items: [claimItem(Math.min(amount, Math.floor(cost / claims.length)), `k${i}`)],
              submittedBy: PORTAL,
            },
            {
              type: 'VerifyExpenditureClaim',
              claimId: `k${i}`,
              eligibleCents: Math.min(amount, Math.floor(cost / claims.length)),
              cuts: [],
              checklistRef: 'CL',
              onTheSpot: false,
              verifiedBy: CONTROLLER,
            },
          ]),
        ]);
        const outcomes = await ledger.at(dayAt(60)).executeConcurrently(
          tranches.map(({ kind, claim, amount }, i): FundingCommand => ({
            type: 'RecordDisbursement',
            grantId: 'g1',
            disbursementId: `d${i}`,
            kind,
            amountCents: amount,
            claimId: kind === 'advance' ? null : `k${Math.min(claim, claims.length - 1)}`,
            paidBy: FINANCE_OFFICER,
          })),
        );
        conflicts += ledger.conflicts;
        const violation = firstViolation(ledger.log);
        if (violation) throw new Error(`Invariant ${violation}`);
        // Losing a race is never an answer: every payment is accepted or refused on its merits.
        for (const outcome of outcomes) expect(outcome.kind === 'conflict').toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('keep a single undertaking within the de minimis ceiling when awards from several calls race through two processes', async () => {
    const race = fc.record({
      awards: fc.array(fc.integer({ min: 1_000_000, max: 12_000_000 }), { minLength: 3, maxLength: 12 }),
      received: fc.integer({ min: 0, max: 20_000_000 }),
    });
    await fc.assert(
      fc.asyncProperty(race, async ({ awards, received }) => {
        const ledger = new TestLedger();
        const setup: FundingCommand[] = [
          ...programmeWithOneMeasure(1_000_000_000, 1_000_000_000),
          // A first-come call per bid, so each award is its call's only one waiting: the awards meet on the undertaking's streams alone.
          ...awards.map((_, c): FundingCommand => ({
            type: 'OpenCall',
            callId: `c${c}`,
            programmeId: 'p1',
            measureId: 'm1',
            title: 'Call',
            budgetCents: 20_000_000,
            aidRegime: 'de-minimis',
            opensAt: dayAt(0).toISOString(),
            closesAt: dayAt(30).toISOString(),
            eligibleApplicantTypes: ['company'],
            selection: 'first-come',
          })),
          // One undertaking: the company bids alone in some calls, declaring its linked company in others.
          ...awards.flatMap((amount, i): FundingCommand[] => [
            {
              type: 'SubmitBid',
              bidId: `b${i}`,
              callId: `c${i}`,
              submittedBy: 'portal-1',
              applicant: {
                kind: 'legal-person',
                type: 'company',
                taxCode: i % 2 ? '01234567890' : '09876543210',
                name: 'Company',
              },
              linkedUndertakings: [i % 2 ? '09876543210' : '01234567890'],
              projectTitle: 'Project',
              requestedCents: amount,
            },
            { type: 'EvaluateBid', bidId: `b${i}`, admissible: true, score: 70, evaluatedBy: EVALUATOR },
          ]),
        ];
        await given(ledger, setup);
        const visura = { reference: 'V', date: dayAt(0).toISOString().slice(0, 10), receivedCents: received };
        const outcomes = await ledger.at(dayAt(5)).executeConcurrently(
          awards.map((amount, i): FundingCommand => ({
            type: 'AwardGrant',
            grantId: `g${i}`,
            callId: `c${i}`,
            bidId: `b${i}`,
            amountCents: amount,
            ...awardTerms(`g${i}`, amount),
            rna: { cor: 'COR', deMinimisVisura: visura },
          })),
        );
        conflicts += ledger.conflicts;
        const granted = new Map(
          ledger.log
            .filter((e) => e.event.type === 'GrantAwarded')
            .map((e) => [
              (e.event.data as { grantId: string }).grantId,
              (e.event.data as { amountCents: number }).amountCents,
            ]),
        );
        expect(received + [...granted.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000_000);
        for (const outcome of outcomes)
          expect(
            outcome.kind === 'accepted' ||
              (outcome.kind === 'refused' && outcome.code === 'DE_MINIMIS_CEILING_EXCEEDED'),
          ).toBe(true);
        const violation = firstViolation(ledger.log);
        if (violation) throw new Error(`Invariant ${violation}`);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  afterAll(() => {
    // ...and if the interleavings really race: appends refused for a stale revision, then decided again.
    expect(conflicts).toBeGreaterThan(RUNS / 10);
    // The properties only mean something if the sequences reach every part of the lifecycle.
    for (const type of [
      'MeasureDefined',
      'CallOpened',
      'CallCancelled',
      'BidSubmitted',
      'BidWithdrawn',
      'BidEvaluated',
      'GrantAwarded',
      'DisbursementRecorded',
      'GrantCompleted',
      'GrantRevoked',
      'CallBudgetReleased',
      'ExpenditureClaimSubmitted',
      'ExpenditureClaimVerified',
      'RecoveryOrdered',
      'RecoveryReceived',
      'RecoveryWrittenOff',
    ] as const) {
      const count = accepted.get(type) ?? 0;
      if (process.env['SHOW_COUNTS']) console.log(type, count);
      expect(`${type}: ${count > RUNS / 50 ? 'reached' : `only ${count} times`}`).toBe(`${type}: reached`);
    }
  });
});
