/**
 * Co-financing on the programme dashboard (issue #27): per fund, who pays each euro of it, and what
 * stays committed to grants and what was paid net of recoveries, split EU / national / regional from
 * the fund's totals, so each split sums to its total exactly.
 */
import { describe, expect, it } from '@jest/globals';
import type { FundingEvent, GrantEvent } from '@app/funding';
import {
  EUR,
  G1_PLACE,
  disbursed,
  grantAwarded,
  grantRevoked,
  measureDefined,
  programmeEstablished,
} from '../../../funding/test-support/funding.fixtures.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import { programmeDashboards, type FundFigures, type ProgrammeDashboard } from './programme-dashboards.projection.js';

/** WECARE POR 2014-2020: FSE 50% EU, 35% the State's rotation fund, 15% the region; its FESR share states none here. */
const WECARE = { euBp: 5_000, nationalBp: 3_500, regionalBp: 1_500 };
const cofinanced = {
  ...programmeEstablished,
  data: {
    ...programmeEstablished.data,
    funds: [
      { fund: 'FSE', amountCents: EUR(15_000_000), euCoFinancingRateBp: 5_000, cofinancing: WECARE },
      { fund: 'FESR', amountCents: EUR(5_000_000), euCoFinancingRateBp: null, cofinancing: null },
    ],
  },
} as FundingEvent;

const DASHBOARDS = [{ name: 'programme-dashboards', version: 1, readModels: [programmeDashboards] }];

function dashboardAfter(events: readonly FundingEvent[]): ProgrammeDashboard {
  const docs = projectInMemory(recorded(events.map((event) => ({ stream: 'wecare', event }))), DASHBOARDS);
  return docs.get('programme_dashboards')!.get('wecare') as ProgrammeDashboard;
}

const fundOf = (dashboard: ProgrammeDashboard, fund: 'FSE' | 'FESR') => dashboard.funds.find((f) => f.fund === fund)!;
const sumOf = (split: FundFigures['paidSplit']) =>
  split === null ? null : split.euCents + split.nationalCents + split.regionalCents;

const received = (amountCents: number): GrantEvent => ({
  type: 'RecoveryReceived',
  data: {
    ...G1_PLACE,
    receiptId: 'r1',
    amountCents,
    interestCents: 0,
    receivedAt: '2026-10-01',
    reference: 'TES-1',
    releasedCents: amountCents,
    recordedAt: '2026-10-01T10:00:00.000Z',
  },
});

describe("a fund's co-financing on the dashboard", () => {
  it('splits what stays committed and what was paid net of recoveries, from the totals, as the money moves', () => {
    const split = (euCents: number, nationalCents: number, regionalCents: number) => ({
      euCents,
      nationalCents,
      regionalCents,
    });
    const steps: Array<[FundingEvent, FundFigures['committedSplit'], FundFigures['paidSplit']]> = [
      [grantAwarded(EUR(120_000)), split(EUR(60_000), EUR(42_000), EUR(18_000)), split(0, 0, 0)],
      // EUR 48,000.01 advanced: 24,000.005 / 16,800.0035 / 7,200.0015, the cent left over to the EU's largest remainder.
      [
        disbursed('d1', 'advance', EUR(48_000) + 1),
        split(EUR(60_000), EUR(42_000), EUR(18_000)),
        split(EUR(24_000) + 1, EUR(16_800), EUR(7_200)),
      ],
      // Cut to EUR 40,000, EUR 71,999.99 back to the call: EUR 48,000.01 stays committed, all of it paid.
      [
        grantRevoked({
          reason: 'Partial',
          revokedCents: EUR(80_000),
          awardAfterCents: EUR(40_000),
          releasedCents: EUR(72_000) - 1,
          recoveryDueCents: EUR(8_000) + 1,
        }),
        split(EUR(24_000) + 1, EUR(16_800), EUR(7_200)),
        split(EUR(24_000) + 1, EUR(16_800), EUR(7_200)),
      ],
      // EUR 8,000.01 recovered: EUR 40,000 committed and paid net.
      [
        received(EUR(8_000) + 1),
        split(EUR(20_000), EUR(14_000), EUR(6_000)),
        split(EUR(20_000), EUR(14_000), EUR(6_000)),
      ],
    ];
    for (let i = 1; i <= steps.length; i++) {
      const dashboard = dashboardAfter([cofinanced, measureDefined, ...steps.slice(0, i).map(([event]) => event)]);
      const fse = fundOf(dashboard, 'FSE');
      expect([i, fse.cofinancing, fse.committedSplit, fse.paidSplit]).toEqual([
        i,
        WECARE,
        steps[i - 1]![1],
        steps[i - 1]![2],
      ]);
      expect(sumOf(fse.committedSplit)).toBe(fse.committedCents - fse.releasedCents);
      expect(sumOf(fse.paidSplit)).toBe(fse.disbursedCents - fse.recoveredCents);
      // The FESR share stated no split: nothing of it is split.
      expect(fundOf(dashboard, 'FESR')).toMatchObject({ cofinancing: null, committedSplit: null, paidSplit: null });
    }
  });

  it("splits the fund's total, never adds up the rounded splits of its grants", () => {
    const g1 = grantAwarded(1) as Extract<GrantEvent, { type: 'GrantAwarded' }>;
    const g2 = { ...g1, data: { ...g1.data, grantId: 'g2', bidId: 'b2' } };
    // A cent alone goes to the EU (0.5 / 0.35 / 0.15); two cents are 1.0 / 0.7 / 0.3: one to the EU, one to the State.
    expect(fundOf(dashboardAfter([cofinanced, measureDefined, g1, g2]), 'FSE').committedSplit).toEqual({
      euCents: 1,
      nationalCents: 1,
      regionalCents: 0,
    });
  });

  it('shows no split on a document stored before co-financing was shown, and no figure NaN (a rebuild gives them)', () => {
    const stored = dashboardAfter([cofinanced, measureDefined]);
    const old = {
      ...stored,
      funds: stored.funds.map(
        ({ cofinancing: _cofinancing, committedSplit: _committed, paidSplit: _paid, ...figures }) => figures,
      ),
    } as unknown as ProgrammeDashboard;
    const after = programmeDashboards.evolve(
      old,
      grantAwarded(EUR(120_000)) as Parameters<typeof programmeDashboards.evolve>[1],
      { position: '9', key: '9' },
    )!;
    expect(fundOf(after, 'FSE')).toMatchObject({
      committedCents: EUR(120_000),
      cofinancing: null,
      committedSplit: null,
      paidSplit: null,
    });
  });
});
