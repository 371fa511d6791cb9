/**
 * The accounting dashboard: per fund and accounting year, what was paid to beneficiaries and
 * recovered, declared to the Commission, received from it, left under assessment and corrected; read
 * as an accounting officer would, and (invariant 7) for random histories each figure is the sum of
 * the events behind it.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  accountingYearOf,
  dayInItaly,
  type DeclarationsEvent,
  type DeclaredAmounts,
  type Fund,
  type FundingEvent,
  type GrantEvent,
  type LineUnderAssessment,
  type PaymentLine,
} from '@app/funding';
import {
  ACT,
  EUR,
  G1_PLACE,
  disbursed,
  grantAwarded,
  programmeEstablished,
} from '../../../funding/test-support/funding.fixtures.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import {
  accountingDashboards,
  shownAccountingDashboard,
  type AccountingDashboard,
  type AccountingYearFigures,
} from './accounting-dashboards.projection.js';
import { FUNDING_PROJECTIONS } from './index.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);
const DASHBOARDS = [{ name: 'accounting-dashboards', version: 1, readModels: [accountingDashboards] }];
const WECARE_SPLIT = { euBp: 4000, nationalBp: 4200, regionalBp: 1800 };

function documentsAfter(events: readonly FundingEvent[]): Map<string, AccountingDashboard> {
  const docs = projectInMemory(recorded(events.map((event) => ({ stream: 'log', event }))), DASHBOARDS);
  return (docs.get('accounting_dashboards') ?? new Map()) as Map<string, AccountingDashboard>;
}
const dashboardAfter = (...events: FundingEvent[]) => documentsAfter(events).get('wecare');

/** Amounts of public contribution split 40 / 42 / 18 (exactly, for the amounts the examples use). */
const amounts = (publicCents: number, eligibleCents = publicCents): DeclaredAmounts => ({
  eligibleExpenditureCents: eligibleCents,
  publicContributionCents: publicCents,
  euShareCents: (publicCents * 40) / 100,
  nationalShareCents: (publicCents * 42) / 100,
  regionalShareCents: (publicCents * 18) / 100,
});
const plus = (a: DeclaredAmounts, b: DeclaredAmounts): DeclaredAmounts => ({
  eligibleExpenditureCents: a.eligibleExpenditureCents + b.eligibleExpenditureCents,
  publicContributionCents: a.publicContributionCents + b.publicContributionCents,
  euShareCents: a.euShareCents + b.euShareCents,
  nationalShareCents: a.nationalShareCents + b.nationalShareCents,
  regionalShareCents: a.regionalShareCents + b.regionalShareCents,
});
const NOTHING = amounts(0);

const OPERATION_G1 = { grantId: 'g1', cup: 'J11B17000270009', measureId: 'm4', priorityAxis: '3' };

const line = (disbursementId: string, value: DeclaredAmounts, grantId = 'g1'): PaymentLine => ({
  ...OPERATION_G1,
  grantId,
  ...value,
  disbursementId,
  kind: 'interim',
  paidOn: '2026-06-01',
  claimIds: [],
});

function applied(application: {
  applicationId: string;
  fund?: Fund;
  accountingYear: string;
  lines: readonly PaymentLine[];
  deductions?: readonly DeclaredAmounts[];
  programmeId?: string;
}): DeclarationsEvent {
  const deductions = (application.deductions ?? []).map((value, i) => ({
    ...OPERATION_G1,
    ...value,
    kind: 'recovery' as const,
    reference: `receipt-${i}`,
  }));
  const totals = [...application.lines, ...deductions].reduce<DeclaredAmounts>((t, item) => plus(t, item), NOTHING);
  return {
    type: 'PaymentApplicationSubmitted',
    data: {
      applicationId: application.applicationId,
      programmeId: application.programmeId ?? 'wecare',
      fund: application.fund ?? 'FSE',
      accountingYear: application.accountingYear,
      cutOffDate: '2026-06-30',
      cofinancing: WECARE_SPLIT,
      lines: application.lines,
      deductions,
      totals,
      byAxis: [{ ...totals, priorityAxis: '3' }],
      interimPaymentBp: 9500,
      expectedInterimPaymentCents: Math.trunc((totals.euShareCents * 9500) / 10_000),
      submittedBy: 'accounting-1',
      submittedAt: '2026-07-10T08:00:00.000Z',
    },
  };
}

const received = (
  applicationId: string,
  amountCents: number,
  receivedOn: string,
  fund: Fund = 'FSE',
  programmeId = 'wecare',
): DeclarationsEvent => ({
  type: 'CommissionPaymentReceived',
  data: {
    programmeId,
    fund,
    applicationId,
    receiptId: `ec-${applicationId}-${receivedOn}-${amountCents}`,
    amountCents,
    receivedOn,
    recordedBy: 'accounting-1',
    recordedAt: `${receivedOn}T10:00:00.000Z`,
  },
});

const corrected = (
  amountCents: number,
  madeAt: string,
  fund: Fund = 'FSE',
  programmeId = 'wecare',
): DeclarationsEvent => ({
  type: 'FinancialCorrectionMade',
  data: {
    correctionId: `fc-${madeAt}-${amountCents}`,
    programmeId,
    fund,
    target: { grantId: 'g1' },
    rateBp: null,
    amountCents,
    shares: [{ ...OPERATION_G1, amountCents }],
    treatment: 'withdrawal',
    reason: 'Procurement breach',
    act: ACT,
    madeBy: 'accounting-1',
    madeAt,
  },
});

function accountsSubmitted(submission: {
  accountingYear: string;
  underAssessment: ReadonlyArray<{ applicationId: string; value: DeclaredAmounts }>;
  fund?: Fund;
  submittedAt: string;
  programmeId?: string;
}): DeclarationsEvent {
  const underAssessment: LineUnderAssessment[] = submission.underAssessment.map(({ applicationId, value }, i) => ({
    ...OPERATION_G1,
    ...value,
    disbursementId: `d-${i}`,
    applicationId,
  }));
  return {
    type: 'AccountsSubmitted',
    data: {
      programmeId: submission.programmeId ?? 'wecare',
      fund: submission.fund ?? 'FSE',
      accountingYear: submission.accountingYear,
      act: ACT,
      applications: [],
      declared: NOTHING,
      withdrawn: NOTHING,
      recovered: NOTHING,
      underAssessment,
      accounted: NOTHING,
      toBeRecoveredCents: 0,
      irrecoverableCents: 0,
      receivedCents: 0,
      balanceCents: 0,
      submittedBy: 'accounting-1',
      submittedAt: submission.submittedAt,
    },
  };
}

const awarded = (grantId: string, fund: Fund, programmeId = 'wecare'): GrantEvent => {
  const event = grantAwarded(EUR(120_000)) as Extract<GrantEvent, { type: 'GrantAwarded' }>;
  return { type: 'GrantAwarded', data: { ...event.data, grantId, fund, programmeId } };
};

const paid = (grantId: string, amountCents: number, paidAt: string, programmeId = 'wecare'): GrantEvent => {
  const event = disbursed(`d-${grantId}-${paidAt}`, 'interim', amountCents) as Extract<
    GrantEvent,
    { type: 'DisbursementRecorded' }
  >;
  return { type: 'DisbursementRecorded', data: { ...event.data, grantId, programmeId, paidAt } };
};

const recovered = (grantId: string, amountCents: number, receivedAt: string, programmeId = 'wecare'): GrantEvent => ({
  type: 'RecoveryReceived',
  data: {
    ...G1_PLACE,
    grantId,
    programmeId,
    receiptId: `r-${grantId}-${receivedAt}-${amountCents}`,
    amountCents,
    interestCents: 1_234,
    receivedAt,
    reference: 'F24',
    releasedCents: amountCents,
    recordedAt: `${receivedAt}T10:00:00.000Z`,
  },
});

const established = (programmeId: string): FundingEvent =>
  programmeId === 'wecare'
    ? programmeEstablished
    : ({ ...programmeEstablished, data: { ...programmeEstablished.data, programmeId } } as FundingEvent);

const row = (
  fund: Fund,
  accountingYear: string,
  figures: Partial<AccountingYearFigures> = {},
): AccountingYearFigures => ({
  fund,
  accountingYear,
  paidToBeneficiariesCents: 0,
  recoveredCents: 0,
  declaredPublicContributionCents: 0,
  declaredEuShareCents: 0,
  declaredNetPublicContributionCents: 0,
  declaredNetEuShareCents: 0,
  receivedFromCommissionCents: 0,
  underAssessmentPublicContributionCents: 0,
  underAssessmentEuShareCents: 0,
  correctedCents: 0,
  applications: 0,
  accountsSubmitted: false,
  accountsSubmittedOn: null,
  ...figures,
});

describe('the accounting dashboard', () => {
  it('shows a programme just established with no row yet', () => {
    expect(shownAccountingDashboard(dashboardAfter(programmeEstablished)!)).toEqual({
      programmeId: 'wecare',
      rows: [],
    });
  });

  it("shows a year's money per fund as an accounting officer reads it", () => {
    const dashboard = dashboardAfter(
      programmeEstablished,
      awarded('g1', 'FSE'),
      awarded('g2', 'FESR'),
      paid('g1', EUR(24_000), '2026-03-02T09:00:00.000Z'),
      paid('g1', EUR(6_000), '2026-06-10T09:00:00.000Z'),
      paid('g2', EUR(10_000), '2026-05-10T09:00:00.000Z'),
      recovered('g1', EUR(1_000), '2026-06-20'),
      applied({
        applicationId: 'fse-1',
        accountingYear: '2025-2026',
        lines: [line('d1', amounts(EUR(24_000), EUR(50_000))), line('d2', amounts(EUR(6_000), 0))],
        deductions: [amounts(-EUR(1_000))],
      }),
      received('fse-1', EUR(10_000), '2026-07-20'),
      corrected(EUR(2_000), '2026-06-25T09:00:00.000Z'),
      accountsSubmitted({
        accountingYear: '2025-2026',
        underAssessment: [{ applicationId: 'fse-1', value: amounts(EUR(6_000), 0) }],
        submittedAt: '2027-02-10T09:00:00.000Z',
      }),
    )!;

    expect(shownAccountingDashboard(dashboard)).toEqual({
      programmeId: 'wecare',
      rows: [
        row('FESR', '2025-2026', { paidToBeneficiariesCents: EUR(10_000) }),
        row('FSE', '2025-2026', {
          paidToBeneficiariesCents: EUR(30_000),
          recoveredCents: EUR(1_000),
          declaredPublicContributionCents: EUR(30_000),
          declaredEuShareCents: EUR(12_000),
          declaredNetPublicContributionCents: EUR(29_000),
          declaredNetEuShareCents: EUR(11_600),
          // Received in July, on an application of the year before: it counts in the application's year.
          receivedFromCommissionCents: EUR(10_000),
          underAssessmentPublicContributionCents: EUR(6_000),
          underAssessmentEuShareCents: EUR(2_400),
          correctedCents: EUR(2_000),
          applications: 1,
          accountsSubmitted: true,
          accountsSubmittedOn: '2027-02-10',
        }),
      ],
    });
  });

  it('counts a payment and a correction by their day in Italy: 30 June at 23:30 in Rome is already 1 July', () => {
    const dashboard = dashboardAfter(
      programmeEstablished,
      awarded('g1', 'FSE'),
      // 2026-06-30T22:30Z is 00:30 on 1 July in Rome (CEST, UTC+2): the next accounting year.
      paid('g1', EUR(5_000), '2026-06-30T22:30:00.000Z'),
      paid('g1', EUR(7_000), '2026-06-30T21:30:00.000Z'),
      corrected(EUR(300), '2026-06-30T22:30:00.000Z'),
      recovered('g1', EUR(200), '2026-07-01'),
    )!;
    expect(dashboard.rows).toEqual([
      row('FSE', '2025-2026', { paidToBeneficiariesCents: EUR(7_000) }),
      row('FSE', '2026-2027', {
        paidToBeneficiariesCents: EUR(5_000),
        correctedCents: EUR(300),
        recoveredCents: EUR(200),
      }),
    ]);
  });

  it('keeps the rows by fund, then accounting year, whatever order the events came in', () => {
    const dashboard = dashboardAfter(
      programmeEstablished,
      awarded('g1', 'FSE'),
      awarded('g2', 'FESR'),
      paid('g1', 100, '2027-01-10T09:00:00.000Z'),
      paid('g2', 100, '2027-01-10T09:00:00.000Z'),
      paid('g1', 100, '2025-01-10T09:00:00.000Z'),
      paid('g2', 100, '2026-01-10T09:00:00.000Z'),
    )!;
    expect(dashboard.rows.map((r) => [r.fund, r.accountingYear])).toEqual([
      ['FESR', '2025-2026'],
      ['FESR', '2026-2027'],
      ['FSE', '2024-2025'],
      ['FSE', '2026-2027'],
    ]);
  });

  it('counts nothing for a programme it never saw established, nor a payment on a grant it never saw awarded', () => {
    expect(documentsAfter([awarded('g1', 'FSE'), paid('g1', 100, '2026-01-10T09:00:00.000Z')]).size).toBe(0);
    expect(dashboardAfter(programmeEstablished, paid('g9', 100, '2026-01-10T09:00:00.000Z'))!.rows).toEqual([]);
  });

  it('keeps out of the answer what it holds only to place events on their fund and year', () => {
    const dashboard = dashboardAfter(
      programmeEstablished,
      awarded('g1', 'FSE'),
      applied({ applicationId: 'fse-1', accountingYear: '2025-2026', lines: [] }),
    )!;
    expect(dashboard.grantFunds).toEqual({ g1: 'FSE' });
    expect(dashboard.applicationYears).toEqual({ 'fse-1': { fund: 'FSE', accountingYear: '2025-2026' } });
    expect(Object.keys(shownAccountingDashboard(dashboard)).sort()).toEqual(['programmeId', 'rows']);
  });

  it('is one of the projections of the product, on its own checkpoint', () => {
    expect(FUNDING_PROJECTIONS.find((p) => p.name === 'accounting-dashboards')?.readModels).toEqual([
      accountingDashboards,
    ]);
  });
});

/* ------------------------------------------------------------------------------------------------ */
/* Invariant 7 over random histories.                                                               */

const PROGRAMMES = ['wecare', 'other'] as const;
const GRANTS: ReadonlyArray<{ grantId: string; fund: Fund }> = [
  { grantId: 'g1', fund: 'FSE' },
  { grantId: 'g2', fund: 'FESR' },
  { grantId: 'g3', fund: 'FSE' },
];
const FUNDS_ARB = fc.constantFrom<Fund>('FSE', 'FESR');
const YEARS_ARB = fc.constantFrom('2024-2025', '2025-2026', '2026-2027');
/** Instants from 2024 to 2027, often near midnight around the turn of an accounting year. */
const INSTANT_ARB = fc
  .oneof(
    fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-12-31T23:59:59Z'), noInvalidDate: true }),
    fc
      .tuple(fc.constantFrom(2024, 2025, 2026), fc.integer({ min: -180, max: 180 }))
      .map(([year, minutes]) => new Date(Date.UTC(year, 5, 30, 22, 0) + minutes * 60_000)),
  )
  .map((d) => d.toISOString());
const DAY_ARB = INSTANT_ARB.map((instant) => instant.slice(0, 10));
const CENTS_ARB = fc.integer({ min: 1, max: 50_000_000 });
const DECLARED_ARB = fc
  .tuple(fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 0, max: 10_000 }))
  .map(([publicCents, euBp]): DeclaredAmounts => {
    const eu = Math.floor((publicCents * euBp) / 10_000);
    return {
      eligibleExpenditureCents: publicCents,
      publicContributionCents: publicCents,
      euShareCents: eu,
      nationalShareCents: publicCents - eu,
      regionalShareCents: 0,
    };
  });
const negated = (value: DeclaredAmounts): DeclaredAmounts =>
  plus(NOTHING, {
    eligibleExpenditureCents: -value.eligibleExpenditureCents,
    publicContributionCents: -value.publicContributionCents,
    euShareCents: -value.euShareCents,
    nationalShareCents: -value.nationalShareCents,
    regionalShareCents: -value.regionalShareCents,
  });

const PROGRAMME_ARB = fc.constantFrom(...PROGRAMMES);
const GRANT_ARB = fc.constantFrom(...GRANTS.map((g) => g.grantId));

/** A step of a random history; a receipt names an earlier application by its rank (none yet: skipped). */
const STEP_ARB = fc.oneof(
  fc.record({
    kind: fc.constant('paid' as const),
    programmeId: PROGRAMME_ARB,
    grantId: GRANT_ARB,
    cents: CENTS_ARB,
    at: INSTANT_ARB,
  }),
  fc.record({
    kind: fc.constant('recovered' as const),
    programmeId: PROGRAMME_ARB,
    grantId: GRANT_ARB,
    cents: CENTS_ARB,
    on: DAY_ARB,
  }),
  fc.record({
    kind: fc.constant('applied' as const),
    programmeId: PROGRAMME_ARB,
    fund: FUNDS_ARB,
    accountingYear: YEARS_ARB,
    lines: fc.array(DECLARED_ARB, { maxLength: 4 }),
    deductions: fc.array(DECLARED_ARB.map(negated), { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('received' as const), rank: fc.nat(), cents: CENTS_ARB, on: DAY_ARB }),
  fc.record({
    kind: fc.constant('corrected' as const),
    programmeId: PROGRAMME_ARB,
    fund: FUNDS_ARB,
    cents: CENTS_ARB,
    at: INSTANT_ARB,
  }),
  fc.record({
    kind: fc.constant('accounts' as const),
    programmeId: PROGRAMME_ARB,
    fund: FUNDS_ARB,
    accountingYear: YEARS_ARB,
    underAssessment: fc.array(DECLARED_ARB, { maxLength: 3 }),
    at: INSTANT_ARB,
  }),
);

type Step = typeof STEP_ARB extends fc.Arbitrary<infer S> ? S : never;

/** Both programmes and their grants, then the steps as events. */
function historyOf(steps: readonly Step[]): FundingEvent[] {
  const events: FundingEvent[] = [];
  for (const programmeId of PROGRAMMES) {
    events.push(established(programmeId));
    for (const g of GRANTS) events.push(awarded(g.grantId, g.fund, programmeId));
  }
  const applications: Array<{ applicationId: string; programmeId: string; fund: Fund }> = [];
  steps.forEach((step, i) => {
    switch (step.kind) {
      case 'paid':
        events.push(paid(step.grantId, step.cents, step.at, step.programmeId));
        return;
      case 'recovered':
        events.push(recovered(step.grantId, step.cents, step.on, step.programmeId));
        return;
      case 'applied': {
        const applicationId = `app-${i}`;
        applications.push({ applicationId, programmeId: step.programmeId, fund: step.fund });
        events.push(
          applied({
            applicationId,
            programmeId: step.programmeId,
            fund: step.fund,
            accountingYear: step.accountingYear,
            lines: step.lines.map((value, n) => line(`d-${i}-${n}`, value)),
            deductions: step.deductions,
          }),
        );
        return;
      }
      case 'received': {
        const application = applications[step.rank % Math.max(1, applications.length)];
        if (application)
          events.push(
            received(application.applicationId, step.cents, step.on, application.fund, application.programmeId),
          );
        return;
      }
      case 'corrected':
        events.push(corrected(step.cents, step.at, step.fund, step.programmeId));
        return;
      case 'accounts':
        events.push(
          accountsSubmitted({
            programmeId: step.programmeId,
            fund: step.fund,
            accountingYear: step.accountingYear,
            underAssessment: step.underAssessment.map((value) => ({ applicationId: 'app-0', value })),
            submittedAt: step.at,
          }),
        );
        return;
    }
  });
  return events;
}

/** One event's contribution to one row, found from the event alone (and the award or application it names). */
interface Contribution {
  readonly programmeId: string;
  readonly fund: Fund;
  readonly accountingYear: string;
  readonly figure: keyof AccountingYearFigures;
  readonly cents: number;
}

function contributionsOf(events: readonly FundingEvent[]): Contribution[] {
  const fundOfGrant = (programmeId: string, grantId: string) =>
    events.find((e) => e.type === 'GrantAwarded' && e.data.programmeId === programmeId && e.data.grantId === grantId)!
      .data as { fund: Fund };
  const yearOfApplication = (applicationId: string) =>
    (
      events.find((e) => e.type === 'PaymentApplicationSubmitted' && e.data.applicationId === applicationId)!.data as {
        accountingYear: string;
      }
    ).accountingYear;
  const yearOfInstant = (instant: string) => accountingYearOf(dayInItaly(new Date(instant))).label;
  const total = (items: readonly DeclaredAmounts[], part: keyof DeclaredAmounts) =>
    items.reduce((t, item) => t + item[part], 0);
  return events.flatMap((e): Contribution[] => {
    switch (e.type) {
      case 'DisbursementRecorded': {
        const d = e.data;
        const { fund } = fundOfGrant(d.programmeId, d.grantId);
        return [
          {
            ...d,
            fund,
            accountingYear: yearOfInstant(d.paidAt),
            figure: 'paidToBeneficiariesCents',
            cents: d.amountCents,
          },
        ];
      }
      case 'RecoveryReceived': {
        const d = e.data;
        const { fund } = fundOfGrant(d.programmeId, d.grantId);
        const accountingYear = accountingYearOf(d.receivedAt).label;
        return [{ ...d, fund, accountingYear, figure: 'recoveredCents', cents: d.amountCents }];
      }
      case 'PaymentApplicationSubmitted': {
        const d = e.data;
        const at = { programmeId: d.programmeId, fund: d.fund, accountingYear: d.accountingYear };
        return [
          { ...at, figure: 'applications', cents: 1 },
          { ...at, figure: 'declaredPublicContributionCents', cents: total(d.lines, 'publicContributionCents') },
          { ...at, figure: 'declaredEuShareCents', cents: total(d.lines, 'euShareCents') },
          { ...at, figure: 'declaredNetPublicContributionCents', cents: d.totals.publicContributionCents },
          { ...at, figure: 'declaredNetEuShareCents', cents: d.totals.euShareCents },
        ];
      }
      case 'CommissionPaymentReceived': {
        const d = e.data;
        const accountingYear = yearOfApplication(d.applicationId);
        return [{ ...d, accountingYear, figure: 'receivedFromCommissionCents', cents: d.amountCents }];
      }
      case 'FinancialCorrectionMade': {
        const d = e.data;
        return [{ ...d, accountingYear: yearOfInstant(d.madeAt), figure: 'correctedCents', cents: d.amountCents }];
      }
      case 'AccountsSubmitted': {
        const d = e.data;
        const at = { programmeId: d.programmeId, fund: d.fund, accountingYear: d.accountingYear };
        return [
          { ...at, figure: 'accountsSubmitted', cents: 0 },
          {
            ...at,
            figure: 'underAssessmentPublicContributionCents',
            cents: total(d.underAssessment, 'publicContributionCents'),
          },
          { ...at, figure: 'underAssessmentEuShareCents', cents: total(d.underAssessment, 'euShareCents') },
        ];
      }
      default:
        return [];
    }
  });
}

const FIGURES = Object.keys(row('FSE', '2025-2026')).filter(
  (k) => typeof row('FSE', '2025-2026')[k as keyof AccountingYearFigures] === 'number',
) as Array<keyof AccountingYearFigures>;

describe(`the accounting dashboard over ${RUNS} random histories`, () => {
  it('shows, per programme, fund and accounting year, each figure as the sum of the events behind it', () => {
    let rowsSeen = 0;
    fc.assert(
      fc.property(fc.array(STEP_ARB, { maxLength: 40 }), (steps) => {
        const events = historyOf(steps);
        const documents = documentsAfter(events);
        const contributions = contributionsOf(events);
        for (const programmeId of PROGRAMMES) {
          const ofProgramme = contributions.filter((c) => c.programmeId === programmeId);
          const rows = documents.get(programmeId)!.rows;
          // A row for each fund and year some event touched, and no other; by fund, then year, each once.
          const touched = [...new Set(ofProgramme.map((c) => `${c.fund} ${c.accountingYear}`))].sort();
          expect(rows.map((r) => `${r.fund} ${r.accountingYear}`)).toEqual(touched);
          for (const r of rows) {
            const behind = ofProgramme.filter((c) => c.fund === r.fund && c.accountingYear === r.accountingYear);
            for (const figure of FIGURES)
              expect([figure, r[figure]]).toEqual([
                figure,
                behind.filter((c) => c.figure === figure).reduce((t, c) => t + c.cents, 0),
              ]);
            expect(r.accountsSubmitted).toBe(behind.some((c) => c.figure === 'accountsSubmitted'));
            const accounts = events.filter(
              (e) =>
                e.type === 'AccountsSubmitted' &&
                e.data.programmeId === programmeId &&
                e.data.fund === r.fund &&
                e.data.accountingYear === r.accountingYear,
            );
            const last = accounts.at(-1)?.data as { submittedAt: string } | undefined;
            expect(r.accountsSubmittedOn).toBe(last ? dayInItaly(new Date(last.submittedAt)) : null);
            rowsSeen++;
          }
        }
      }),
      { numRuns: RUNS },
    );
    // The histories did reach rows: the property is not vacuous.
    expect(rowsSeen).toBeGreaterThan(RUNS);
  });
});
