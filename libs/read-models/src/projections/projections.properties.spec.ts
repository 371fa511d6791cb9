/**
 * Invariant 7 for the read models: for random command sequences, every total a dashboard shows
 * equals the sum of the events behind it (what is payable: the sum of the domain's figure on each
 * grant's own fold); and projecting the same events twice gives the same documents.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { TestLedger } from '../../../funding/test-support/test-ledger.js';
import { play, scenario } from '../../../funding/test-support/funding.arbitraries.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import type { RecordedEvent } from '@app/event-store';
import { GRANT, grantStream, unpaidPayableCents, type Grant, type GrantEvent } from '@app/funding';
import { FUNDING_PROJECTIONS } from './index.js';
import { fundingEvent } from './projection.js';
import type { ProgrammeDashboard } from './programme-dashboards.projection.js';
import type { CallSummary } from './call-summaries.projection.js';
import type { GrantSummary } from './grant-summaries.projection.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);

type Data = Record<string, unknown> & { amountCents?: number };
const of = (events: RecordedEvent[], type: string, where: (d: Data) => boolean = () => true) =>
  events.filter((e) => e.type === type && where(e.data as Data)).map((e) => e.data as Data);
const total = (items: Data[], field = 'amountCents') => items.reduce((sum, d) => sum + (d[field] as number), 0);

/** The recovery due after the last event that set it, per grant, summed over the grants `where` selects. */
function lastDue(events: RecordedEvent[], where: (d: Data) => boolean): number {
  const due = new Map<string, number>();
  for (const e of events) {
    if ((e.type === 'GrantRevoked' || e.type === 'ExpenditureClaimVerified') && where(e.data as Data))
      due.set((e.data as Data)['grantId'] as string, (e.data as Data)['recoveryDueCents'] as number);
  }
  return [...due.values()].reduce((a, b) => a + b, 0);
}

/** What verified expenditure entitles the grant to and was not paid yet, on the grant's own fold (the write side's state). */
function unpaidPayableOf(events: RecordedEvent[], grantId: string): number {
  const grant = events
    .filter((e) => e.stream === grantStream(grantId))
    .reduce((state: Grant, e) => GRANT.evolve(state, fundingEvent(e) as GrantEvent), GRANT.initialState());
  return grant.status === 'none' ? 0 : unpaidPayableCents(grant);
}

async function logOf(value: Parameters<typeof play>[1]): Promise<RecordedEvent[]> {
  const ledger = new TestLedger();
  await play(ledger, value, true);
  return recorded(ledger.log);
}

/** The parts of a split, added: what it splits. */
const splitTotal = (split: { euCents: number; nationalCents: number; regionalCents: number } | null) =>
  split === null ? null : split.euCents + split.nationalCents + split.regionalCents;

describe(`read models over ${RUNS} random command sequences`, () => {
  it('every dashboard, call and grant total equals the sum of its events', async () => {
    let splitsSeen = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (value) => {
        const events = await logOf(value);
        const docs = projectInMemory(events, FUNDING_PROJECTIONS);
        const grantOf = new Map(of(events, 'GrantAwarded').map((g) => [g['grantId'] as string, g]));
        const measureOfGrant = (d: Data) => grantOf.get(d['grantId'] as string)?.['measureId'];

        for (const [, doc] of docs.get('programme_dashboards') ?? []) {
          const dashboard = doc as ProgrammeDashboard;
          for (const m of dashboard.measures) {
            const ofMeasure = (d: Data) =>
              d['measureId'] === m.measureId && (d['programmeId'] ?? dashboard.programmeId) === dashboard.programmeId;
            const grantsOfMeasure = (d: Data) =>
              measureOfGrant(d) === m.measureId &&
              grantOf.get(d['grantId'] as string)?.['programmeId'] === dashboard.programmeId;
            expect(m.reservedCents).toBe(
              total(of(events, 'MeasureBudgetReserved', ofMeasure)) -
                total(of(events, 'MeasureReservationReleased', ofMeasure)),
            );
            expect(m.committedCents).toBe(total(of(events, 'GrantAwarded', ofMeasure)));
            expect(m.disbursedCents).toBe(total(of(events, 'DisbursementRecorded', grantsOfMeasure)));
            const releasing = ['GrantCompleted', 'GrantRevoked', 'ExpenditureClaimVerified', 'RecoveryReceived'];
            expect(m.releasedCents).toBe(
              releasing.reduce((sum, type) => sum + total(of(events, type, grantsOfMeasure), 'releasedCents'), 0),
            );
            expect(m.recoveryDueCents).toBe(lastDue(events, grantsOfMeasure));
            expect(m.declaredCents).toBe(
              total(of(events, 'ExpenditureClaimSubmitted', grantsOfMeasure), 'declaredCents'),
            );
            expect(m.verifiedCents).toBe(
              total(of(events, 'ExpenditureClaimVerified', grantsOfMeasure), 'eligibleCents'),
            );
            expect(m.recoveredCents).toBe(total(of(events, 'RecoveryReceived', grantsOfMeasure)));
            expect(m.interestReceivedCents).toBe(
              total(of(events, 'RecoveryReceived', grantsOfMeasure), 'interestCents'),
            );
            expect(m.writtenOffCents).toBe(total(of(events, 'RecoveryWrittenOff', grantsOfMeasure)));
            expect(m.outstandingRecoveryCents).toBe(m.recoveryDueCents - m.recoveredCents - m.writtenOffCents);
            expect(m.availableCents).toBe(m.allocationCents - m.committedCents + m.releasedCents);
            const grantsOfThisMeasure = of(events, 'GrantAwarded', ofMeasure).map((g) => g['grantId'] as string);
            expect(m.payableCents).toBe(
              grantsOfThisMeasure.reduce((sum, grantId) => sum + unpaidPayableOf(events, grantId), 0),
            );
          }
          for (const f of dashboard.funds) {
            const measures = dashboard.measures.filter((m) => m.fund === f.fund);
            for (const field of [
              'reservedCents',
              'committedCents',
              'disbursedCents',
              'releasedCents',
              'recoveryDueCents',
              'declaredCents',
              'verifiedCents',
              'recoveredCents',
              'writtenOffCents',
              'outstandingRecoveryCents',
              'interestReceivedCents',
              'payableCents',
            ] as const) {
              expect(f[field]).toBe(measures.reduce((sum, m) => sum + m[field], 0));
            }
            expect(f.allocatedCents).toBe(measures.reduce((sum, m) => sum + m.allocationCents, 0));
            // Issue #27: the fund's split as its programme stated it, each split from its total, exact to the cent.
            const established = of(events, 'ProgrammeEstablished', (d) => d['programmeId'] === dashboard.programmeId);
            const share = (established[0]!['funds'] as Array<{ fund: string; cofinancing: unknown }>).find(
              (s) => s.fund === f.fund,
            )!;
            expect(f.cofinancing).toEqual(share.cofinancing);
            if (f.cofinancing === null) expect([f.committedSplit, f.paidSplit]).toEqual([null, null]);
            else {
              splitsSeen++;
              expect(splitTotal(f.committedSplit)).toBe(f.committedCents - f.releasedCents);
              expect(splitTotal(f.paidSplit)).toBe(f.disbursedCents - f.recoveredCents);
            }
          }
        }
        for (const [callId, doc] of docs.get('calls') ?? []) {
          const call = doc as CallSummary;
          const ofCall = (d: Data) => d['callId'] === callId;
          expect(call.committedCents).toBe(total(of(events, 'CallBudgetCommitted', ofCall)));
          expect(call.releasedCents).toBe(total(of(events, 'CallBudgetReleased', ofCall)));
          expect(call.remainingCents).toBe(call.budgetCents - call.committedCents + call.releasedCents);
          expect(call.bids.total).toBe(of(events, 'BidSubmitted', ofCall).length);
          expect(Object.values(call.bids.byStatus).reduce((a, b) => a + b, 0)).toBe(call.bids.total);
          expect(call.bids.byStatus.awarded).toBe(of(events, 'BidAwarded', ofCall).length);
          expect(call.disbursedCents).toBe(total(of(events, 'DisbursementRecorded', ofCall)));
          expect(call.declaredCents).toBe(total(of(events, 'ExpenditureClaimSubmitted', ofCall), 'declaredCents'));
          expect(call.verifiedCents).toBe(total(of(events, 'ExpenditureClaimVerified', ofCall), 'eligibleCents'));
          expect(call.recoveryDueCents).toBe(lastDue(events, ofCall));
          expect(call.recoveredCents).toBe(total(of(events, 'RecoveryReceived', ofCall)));
          expect(call.outstandingRecoveryCents).toBe(
            call.recoveryDueCents - call.recoveredCents - total(of(events, 'RecoveryWrittenOff', ofCall)),
          );
        }
        for (const [grantId, doc] of docs.get('grants') ?? []) {
          const grant = doc as GrantSummary;
          const ofGrant = (d: Data) => d['grantId'] === grantId;
          expect(grant.disbursedCents).toBe(total(of(events, 'DisbursementRecorded', ofGrant)));
          expect(grant.disbursements.map((d) => d.amountCents)).toEqual(
            of(events, 'DisbursementRecorded', ofGrant).map((d) => d.amountCents),
          );
          expect(grant.recovery.receivedCents).toBe(total(of(events, 'RecoveryReceived', ofGrant)));
          expect(grant.recovery.orderedCents).toBe(total(of(events, 'RecoveryOrdered', ofGrant)));
          expect(grant.recovery.outstandingCents).toBe(
            lastDue(events, ofGrant) - grant.recovery.receivedCents - total(of(events, 'RecoveryWrittenOff', ofGrant)),
          );
          for (const claim of grant.claims) {
            expect(claim.paidCents).toBe(
              total(of(events, 'DisbursementRecorded', (d) => d['claimId'] === claim.claimId)),
            );
          }
        }
        for (const [claimId, doc] of docs.get('expenditure_claims') ?? []) {
          expect(doc['paidCents']).toBe(total(of(events, 'DisbursementRecorded', (d) => d['claimId'] === claimId)));
          expect(doc['declaredCents']).toBe(
            total(
              of(events, 'ExpenditureClaimSubmitted', (d) => d['claimId'] === claimId),
              'declaredCents',
            ),
          );
        }
      }),
      { numRuns: RUNS },
    );
    // The split checks are about something: the setup's FSE share always states its split.
    expect(splitsSeen).toBeGreaterThan(0);
  });

  it('projecting the same events twice gives identical documents', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (value) => {
        const events = await logOf(value);
        const first = projectInMemory(events, FUNDING_PROJECTIONS);
        const second = projectInMemory(events, FUNDING_PROJECTIONS);
        expect(second).toEqual(first);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
