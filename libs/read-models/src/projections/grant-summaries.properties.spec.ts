/**
 * The advance not yet covered (`advanceUncovered`) on the grant read model is the domain's figure:
 * for random command sequences, each grant's document shows what `advanceUncoveredCents` gives on
 * the grant's own fold, never negative, never more than the advance; and an example read as a
 * finance officer would. Payable now (`payableCents`) and still to pay (`remainingCents`) are the
 * domain's figures on the same fold.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  GRANT,
  advanceUncoveredCents,
  coveredCents,
  grantStream,
  netPaidCents,
  remainingAwardCents,
  unpaidPayableCents,
  verifiedEligibleCents,
  type FundingEvent,
  type Grant,
  type GrantEvent,
} from '@app/funding';
import { TestLedger } from '../../../funding/test-support/test-ledger.js';
import { play, scenario } from '../../../funding/test-support/funding.arbitraries.js';
import {
  EUR,
  claimSubmitted,
  claimVerified,
  disbursed,
  grantAwarded,
} from '../../../funding/test-support/funding.fixtures.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import { grantSummaries, type GrantSummary } from './grant-summaries.projection.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);
const GRANTS = [{ name: 'grant-summaries', version: 1, readModels: [grantSummaries] }];

function summaryAfter(events: readonly FundingEvent[]): GrantSummary {
  const docs = projectInMemory(recorded(events.map((event) => ({ stream: 'grant-g1', event }))), GRANTS);
  return docs.get('grants')!.get('g1') as GrantSummary;
}

describe('payable now and still to pay on the grant read model', () => {
  it(`are the domain's figures on every grant, over ${RUNS} random command sequences`, async () => {
    let payableSeen = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (value) => {
        const ledger = new TestLedger();
        await play(ledger, value, true);
        const docs = projectInMemory(recorded(ledger.log), GRANTS);
        for (const [grantId, doc] of docs.get('grants') ?? []) {
          const summary = doc as GrantSummary;
          const grant = ledger.log
            .filter((e) => e.stream === grantStream(grantId))
            .reduce((s: Grant, e) => GRANT.evolve(s, e.event as GrantEvent), GRANT.initialState());
          if (grant.status === 'none') throw new Error(`${grantId} has a summary and no stream`);
          expect(summary.payableCents).toBe(unpaidPayableCents(grant));
          expect(summary.remainingCents).toBe(remainingAwardCents(grant));
          if (summary.payableCents > 0) payableSeen++;
        }
      }),
      { numRuns: RUNS },
    );
    // The property is about something: some histories leave money payable.
    expect(payableSeen).toBeGreaterThan(0);
  });
});

describe('the co-financing split of the award and of the net paid (issue #27)', () => {
  it(`sums to the grant's own figures on every grant, each part within a cent of its share, over ${RUNS} random command sequences`, async () => {
    let splitSeen = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (value) => {
        const ledger = new TestLedger();
        await play(ledger, value, true);
        const docs = projectInMemory(recorded(ledger.log), GRANTS);
        for (const [grantId, doc] of docs.get('grants') ?? []) {
          const summary = doc as GrantSummary;
          const grant = ledger.log
            .filter((e) => e.stream === grantStream(grantId))
            .reduce((s: Grant, e) => GRANT.evolve(s, e.event as GrantEvent), GRANT.initialState());
          if (grant.status === 'none') throw new Error(`${grantId} has a summary and no stream`);
          const awardedWith = ledger.log.find(
            (e) => e.event.type === 'GrantAwarded' && e.stream === grantStream(grantId),
          )!.event as Extract<GrantEvent, { type: 'GrantAwarded' }>;
          expect(summary.cofinancing).toEqual(awardedWith.data.cofinancing);
          expect(summary.priorityAxis).toBe(awardedWith.data.priorityAxis);
          const cofinancing = summary.cofinancing;
          if (cofinancing === null) {
            expect([summary.awardSplit, summary.paidSplit]).toEqual([null, null]);
            continue;
          }
          splitSeen++;
          for (const [split, amount] of [
            [summary.awardSplit!, grant.currentAwardCents],
            [summary.paidSplit!, netPaidCents(grant)],
          ] as const) {
            expect(split.euCents + split.nationalCents + split.regionalCents).toBe(amount);
            for (const [part, bp] of [
              [split.euCents, cofinancing.euBp],
              [split.nationalCents, cofinancing.nationalBp],
              [split.regionalCents, cofinancing.regionalBp],
            ] as const) {
              expect(Number.isSafeInteger(part)).toBe(true);
              // Within a cent of the exact share: the rounding moves no more than the cent left over.
              expect(Math.abs(part * 10_000 - amount * bp)).toBeLessThan(10_000);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
    // The property is about something: the setup's FSE share always states its split.
    expect(splitSeen).toBeGreaterThan(0);
  });
});

describe('the advance not yet covered by verified expenditure', () => {
  it(`is the domain's figure on every grant, within 0 and the advance, over ${RUNS} random command sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (value) => {
        const ledger = new TestLedger();
        await play(ledger, value, true);
        const docs = projectInMemory(recorded(ledger.log), GRANTS);
        for (const [grantId, doc] of docs.get('grants') ?? []) {
          const summary = doc as GrantSummary;
          const grant = ledger.log
            .filter((e) => e.stream === grantStream(grantId))
            .reduce((s: Grant, e) => GRANT.evolve(s, e.event as GrantEvent), GRANT.initialState());
          if (grant.status === 'none') throw new Error(`${grantId} has a summary and no stream`);
          expect(summary.advanceUncovered).toBe(advanceUncoveredCents(grant, verifiedEligibleCents(grant)));
          expect(summary.advanceUncovered).toBeGreaterThanOrEqual(0);
          expect(summary.advanceUncovered).toBeLessThanOrEqual(grant.advancePaidCents);
          // With nothing paid on claims and nothing recovered, it is the advance less what the verified expenditure covers.
          if (grant.paidCents === grant.advancePaidCents && grant.recoveredCents === 0) {
            expect(summary.advanceUncovered).toBe(
              Math.max(0, grant.advancePaidCents - coveredCents(grant, verifiedEligibleCents(grant))),
            );
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('falls as expenditure is verified; expenditure paid as interim payments covers no advance; a reduced award covers less', () => {
    // EUR 120,000 on an operation of EUR 200,000: paid 60% of its verified expenditure. EUR 48,000 advanced.
    const place = { grantId: 'g1', callId: 'c1', programmeId: 'wecare', measureId: 'm4' };
    const steps: Array<[GrantEvent, number]> = [
      [grantAwarded(EUR(120_000)), 0],
      [disbursed('d1', 'advance', EUR(48_000)), EUR(48_000)],
      // EUR 50,000 verified covers EUR 30,000 of it.
      [claimSubmitted('k1', 'interim', EUR(50_000)), EUR(48_000)],
      [claimVerified('k1', 'interim', EUR(50_000)), EUR(18_000)],
      // EUR 100,000 verified covers EUR 60,000: the advance, and EUR 12,000 more, which an interim payment uses.
      [claimSubmitted('k2', 'interim', EUR(50_000)), EUR(18_000)],
      [claimVerified('k2', 'interim', EUR(50_000)), 0],
      [disbursed('d2', 'interim', EUR(12_000), 'k2'), 0],
      // The award cut to EUR 50,000: the expenditure covers at most EUR 50,000 of the EUR 60,000 paid.
      [
        {
          type: 'GrantRevoked',
          data: {
            ...place,
            reason: 'Partial',
            covar: null,
            whole: false,
            revokedCents: EUR(70_000),
            awardAfterCents: EUR(50_000),
            releasedCents: EUR(60_000),
            recoveryDueCents: EUR(10_000),
            recoveryDueAddedCents: EUR(10_000),
            act: null,
            revokedAt: '2026-09-01T10:00:00.000Z',
          },
        } as GrantEvent,
        EUR(10_000),
      ],
    ];
    for (let i = 1; i <= steps.length; i++)
      expect([i, summaryAfter(steps.slice(0, i).map(([e]) => e)).advanceUncovered]).toEqual([i, steps[i - 1]![1]]);
  });
});
