/**
 * What is payable on the dashboard: per measure and fund, what the expenditure verified so far
 * entitles active grants to and was not paid yet, as a finance officer would read it; the figures
 * the dashboard keeps to compute it stay out of the answer, and a document stored before it reads on.
 */
import { describe, expect, it } from '@jest/globals';
import type { FundingEvent, GrantEvent } from '@app/funding';
import {
  EUR,
  G1_PLACE,
  claimSubmitted,
  claimVerified,
  disbursed,
  grantAwarded,
  measureDefined,
  programmeEstablished,
} from '../../../funding/test-support/funding.fixtures.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import { programmeDashboards, shownDashboard, type ProgrammeDashboard } from './programme-dashboards.projection.js';

const DASHBOARDS = [{ name: 'programme-dashboards', version: 1, readModels: [programmeDashboards] }];

function dashboardAfter(events: readonly FundingEvent[]): ProgrammeDashboard {
  const docs = projectInMemory(recorded(events.map((event) => ({ stream: 'wecare', event }))), DASHBOARDS);
  return docs.get('programme_dashboards')!.get('wecare') as ProgrammeDashboard;
}

const payable = (dashboard: ProgrammeDashboard) => ({
  measure: dashboard.measures.find((m) => m.measureId === 'm4')!.payableCents,
  FSE: dashboard.funds.find((f) => f.fund === 'FSE')!.payableCents,
  FESR: dashboard.funds.find((f) => f.fund === 'FESR')!.payableCents,
});

const revoked = (awardAfterCents: number, whole: boolean): GrantEvent => ({
  type: 'GrantRevoked',
  data: {
    ...G1_PLACE,
    reason: 'Cut',
    covar: null,
    whole,
    revokedCents: EUR(120_000) - awardAfterCents,
    awardAfterCents,
    releasedCents: 0,
    recoveryDueCents: 0,
    recoveryDueAddedCents: 0,
    act: null,
    revokedAt: '2026-09-01T10:00:00.000Z',
  },
});

const completed: GrantEvent = {
  type: 'GrantCompleted',
  data: {
    ...G1_PLACE,
    actualEndDate: '2027-05-31',
    paidCents: EUR(80_000),
    releasedCents: EUR(40_000),
    completedAt: '2027-06-01T10:00:00.000Z',
  },
};

describe("the dashboard's payable", () => {
  it('is the entitlement verified expenditure gives active grants, less what was paid: per measure and per fund', () => {
    // EUR 120,000 on an operation of EUR 200,000, paid 60% of its verified expenditure.
    const steps: Array<[FundingEvent, number]> = [
      [grantAwarded(EUR(120_000)), 0],
      // The advance is paid on the award alone: nothing verified is left unpaid.
      [disbursed('d1', 'advance', EUR(48_000)), 0],
      [claimSubmitted('k1', 'interim', EUR(50_000)), 0],
      // EUR 50,000 verified entitles it to EUR 30,000: less than the advance already paid.
      [claimVerified('k1', 'interim', EUR(50_000)), 0],
      [claimSubmitted('k2', 'interim', EUR(100_000)), 0],
      // EUR 150,000 verified entitles it to EUR 90,000, of which EUR 48,000 paid.
      [claimVerified('k2', 'interim', EUR(100_000)), EUR(42_000)],
      [disbursed('d2', 'interim', EUR(30_000), 'k2'), EUR(12_000)],
      // The award cut to EUR 80,000: the entitlement with it.
      [revoked(EUR(80_000), false), EUR(2_000)],
      [claimSubmitted('k3', 'final', EUR(10_000)), EUR(2_000)],
      [claimVerified('k3', 'final', EUR(10_000)), EUR(2_000)],
      [disbursed('d3', 'final', EUR(2_000), 'k3'), 0],
      [completed, 0],
    ];
    for (let i = 1; i <= steps.length; i++) {
      const dashboard = dashboardAfter([
        programmeEstablished,
        measureDefined,
        ...steps.slice(0, i).map(([event]) => event),
      ]);
      expect([i, payable(dashboard)]).toEqual([i, { measure: steps[i - 1]![1], FSE: steps[i - 1]![1], FESR: 0 }]);
    }
  });

  it('is nothing for a grant revoked whole, whatever was verified', () => {
    const verified = [
      programmeEstablished,
      measureDefined,
      grantAwarded(EUR(120_000)),
      claimSubmitted('k1', 'interim', EUR(50_000)),
      claimVerified('k1', 'interim', EUR(50_000)),
    ];
    expect(payable(dashboardAfter(verified)).measure).toBe(EUR(30_000));
    expect(payable(dashboardAfter([...verified, revoked(0, true)])).measure).toBe(0);
  });

  it('is shown without the figures the dashboard keeps to compute it', () => {
    const dashboard = dashboardAfter([programmeEstablished, measureDefined, grantAwarded(EUR(120_000))]);
    expect(Object.keys(dashboard.activeGrants ?? {})).toEqual(['g1']);
    expect(Object.keys(shownDashboard(dashboard)).sort()).toEqual([
      'code',
      'funds',
      'measures',
      'programmeId',
      'rules',
      'title',
    ]);
  });

  it('leaves no figure NaN on a document stored before it was kept (a rebuild counts the grants awarded before)', () => {
    const stored = dashboardAfter([programmeEstablished, measureDefined, grantAwarded(EUR(120_000))]);
    const { activeGrants: _notYet, ...rest } = stored;
    const withoutPayable = <T extends { payableCents: number }>({ payableCents: _none, ...figures }: T) => figures;
    const old = {
      ...rest,
      funds: rest.funds.map(withoutPayable),
      measures: rest.measures.map(withoutPayable),
    } as unknown as ProgrammeDashboard;
    const events = [claimSubmitted('k1', 'interim', EUR(50_000)), claimVerified('k1', 'interim', EUR(50_000))] as Array<
      Parameters<typeof programmeDashboards.evolve>[1]
    >;
    const after = events.reduce(
      (dashboard: ProgrammeDashboard | null, event) =>
        programmeDashboards.evolve(dashboard, event, { position: '9', key: '9' }),
      old,
    )!;
    expect([payable(after).measure, payable(after).FSE]).toEqual([0, 0]);
    expect(after.measures[0]!.verifiedCents).toBe(EUR(50_000));
  });
});
