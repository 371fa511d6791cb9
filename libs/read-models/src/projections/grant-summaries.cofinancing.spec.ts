/**
 * Co-financing on the grant read model (issue #27): the grant shows who pays each euro of it, its
 * measure's priority axis, and its award and its net paid split EU / national / regional, each
 * split from the figure itself, so its parts sum to it exactly.
 */
import { describe, expect, it } from '@jest/globals';
import type { FundingEvent, GrantEvent } from '@app/funding';
import {
  EUR,
  G1_PLACE,
  disbursed,
  grantAwarded,
  grantRevoked,
} from '../../../funding/test-support/funding.fixtures.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import { grantSummaries, type GrantSummary } from './grant-summaries.projection.js';

/** WECARE POR 2014-2020: 50% EU (FSE), 35% the State's rotation fund, 15% the region. */
const WECARE = { euBp: 5_000, nationalBp: 3_500, regionalBp: 1_500 };

const awarded = (amountCents: number, cofinancing: typeof WECARE | null = WECARE): GrantEvent => {
  const event = grantAwarded(amountCents) as Extract<GrantEvent, { type: 'GrantAwarded' }>;
  return {
    ...event,
    data: { ...event.data, euCoFinancingRateBp: cofinancing?.euBp ?? null, cofinancing, priorityAxis: 'II' },
  };
};

const received = (receiptId: string, amountCents: number): GrantEvent => ({
  type: 'RecoveryReceived',
  data: {
    ...G1_PLACE,
    receiptId,
    amountCents,
    interestCents: 0,
    receivedAt: '2026-10-01',
    reference: `TES-${receiptId}`,
    releasedCents: amountCents,
    recordedAt: '2026-10-01T10:00:00.000Z',
  },
});

function summaryAfter(events: readonly FundingEvent[]): GrantSummary {
  const docs = projectInMemory(recorded(events.map((event) => ({ stream: 'grant-g1', event }))), [
    { name: 'grant-summaries', version: 1, readModels: [grantSummaries] },
  ]);
  return docs.get('grants')!.get('g1') as GrantSummary;
}

const sumOf = (split: GrantSummary['awardSplit']) =>
  split === null ? null : split.euCents + split.nationalCents + split.regionalCents;

describe("a grant's co-financing", () => {
  it('shows its split and axis, and splits its award and what it was paid, net of recoveries, as the money moves', () => {
    const steps: Array<[GrantEvent, GrantSummary['awardSplit'], GrantSummary['paidSplit']]> = [
      [
        awarded(EUR(120_000)),
        { euCents: EUR(60_000), nationalCents: EUR(42_000), regionalCents: EUR(18_000) },
        { euCents: 0, nationalCents: 0, regionalCents: 0 },
      ],
      // The advance, 40% of the award.
      [
        disbursed('d1', 'advance', EUR(48_000)),
        { euCents: EUR(60_000), nationalCents: EUR(42_000), regionalCents: EUR(18_000) },
        { euCents: EUR(24_000), nationalCents: EUR(16_800), regionalCents: EUR(7_200) },
      ],
      // The award cut to EUR 40,000.01: 20,000.005 / 14,000.0035 / 6,000.0015 leave a cent, to the EU's largest remainder.
      [
        grantRevoked({
          reason: 'Partial',
          revokedCents: EUR(80_000) - 1,
          awardAfterCents: EUR(40_000) + 1,
          releasedCents: EUR(72_000) + 1,
          recoveryDueCents: EUR(8_000) - 1,
        }),
        { euCents: EUR(20_000) + 1, nationalCents: EUR(14_000), regionalCents: EUR(6_000) },
        { euCents: EUR(24_000), nationalCents: EUR(16_800), regionalCents: EUR(7_200) },
      ],
      // EUR 7,999.99 comes back: EUR 40,000.01 paid net, split as the award is.
      [
        received('r1', EUR(8_000) - 1),
        { euCents: EUR(20_000) + 1, nationalCents: EUR(14_000), regionalCents: EUR(6_000) },
        { euCents: EUR(20_000) + 1, nationalCents: EUR(14_000), regionalCents: EUR(6_000) },
      ],
    ];
    for (let i = 1; i <= steps.length; i++) {
      const summary = summaryAfter(steps.slice(0, i).map(([event]) => event));
      expect([i, summary.cofinancing, summary.priorityAxis]).toEqual([i, WECARE, 'II']);
      expect([i, summary.awardSplit, summary.paidSplit]).toEqual([i, steps[i - 1]![1], steps[i - 1]![2]]);
      expect(sumOf(summary.awardSplit)).toBe(summary.currentAwardCents);
      expect(sumOf(summary.paidSplit)).toBe(summary.disbursedCents - summary.recovery.receivedCents);
    }
  });

  it('splits the total paid, never adds up the rounded splits of each payment', () => {
    // One cent alone goes to the EU (0.5 / 0.35 / 0.15); two cents are 1.0 / 0.7 / 0.3: one to the EU, one to the State.
    const summary = summaryAfter([awarded(EUR(100)), disbursed('d1', 'advance', 1), disbursed('d2', 'advance', 1)]);
    expect(summary.paidSplit).toEqual({ euCents: 1, nationalCents: 1, regionalCents: 0 });
  });

  it('shows no split where its programme stated none, nor on a grant awarded before co-financing (GrantAwarded v6)', () => {
    const none = summaryAfter([awarded(EUR(120_000), null), disbursed('d1', 'advance', EUR(48_000))]);
    expect(none).toMatchObject({ cofinancing: null, awardSplit: null, paidSplit: null, disbursedCents: EUR(48_000) });
    // A v6 award upcast with both null: the fixture's.
    expect(summaryAfter([grantAwarded(EUR(120_000))])).toMatchObject({
      cofinancing: null,
      priorityAxis: null,
      awardSplit: null,
      paidSplit: null,
    });
  });

  it('gives a document stored before co-financing was shown its fields, null, at its next payment (a rebuild gives them all)', () => {
    const {
      cofinancing: _c,
      priorityAxis: _p,
      awardSplit: _a,
      paidSplit: _d,
      ...stored
    } = summaryAfter([awarded(EUR(120_000), null)]);
    const after = grantSummaries.evolve(
      stored as GrantSummary,
      disbursed('d1', 'advance', EUR(48_000)) as Parameters<typeof grantSummaries.evolve>[1],
      { position: '9', key: '9' },
    )!;
    expect(after).toMatchObject({
      disbursedCents: EUR(48_000),
      cofinancing: null,
      priorityAxis: null,
      awardSplit: null,
      paidSplit: null,
    });
  });
});
