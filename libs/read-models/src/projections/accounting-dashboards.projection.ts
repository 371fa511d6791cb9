import { accountingYearOf, dayInItaly, type DeclaredAmounts, type Fund } from '@app/funding';
import { readModel } from './projection.js';

/**
 * The money of one fund in one accounting year (1 July to 30 June), in integer cents: what was paid
 * to beneficiaries and recovered from them, what the year's payment applications declared, what the
 * Commission paid on them, what the accounts left under assessment, and what was corrected. Each
 * figure is the sum of the events behind it (invariant 7).
 */
export interface AccountingYearFigures {
  readonly fund: Fund;
  /** "2025-2026": 1 July 2025 to 30 June 2026. */
  readonly accountingYear: string;
  /** Disbursements to beneficiaries, by the day in Italy they were paid. */
  readonly paidToBeneficiariesCents: number;
  /** Principal recovered from beneficiaries, by the value date of the receipt (interest apart, not counted). */
  readonly recoveredCents: number;
  /** Public contribution of the payments the year's applications declared, before deductions. */
  readonly declaredPublicContributionCents: number;
  /** EU share of the same payments. */
  readonly declaredEuShareCents: number;
  /** Public contribution the year's applications declared net of their deductions (recoveries, withdrawals): their totals. */
  readonly declaredNetPublicContributionCents: number;
  /** EU share of the applications' totals, net of deductions. */
  readonly declaredNetEuShareCents: number;
  /** What the Commission paid on the year's applications, whenever it arrived. */
  readonly receivedFromCommissionCents: number;
  /** Public contribution of the payments the year's accounts left out while their expenditure is assessed. */
  readonly underAssessmentPublicContributionCents: number;
  /** EU share of the same payments. */
  readonly underAssessmentEuShareCents: number;
  /** Public contribution cancelled by financial corrections, by the day in Italy they were made. */
  readonly correctedCents: number;
  /** Payment applications of the fund for the year. */
  readonly applications: number;
  readonly accountsSubmitted: boolean;
  /** The day in Italy the year's accounts were submitted; null before. */
  readonly accountsSubmittedOn: string | null;
}

/** The dashboard as `GET /programmes/:programmeId/accounting-dashboard` shows it. */
export interface AccountingDashboardShown {
  readonly programmeId: string;
  /** By fund (alphabetical), then accounting year: only those some event touched. */
  readonly rows: readonly AccountingYearFigures[];
}

/** The dashboard as stored: with what it needs to put an event on its fund and year. Not shown. */
export interface AccountingDashboard extends AccountingDashboardShown {
  readonly [field: string]: unknown;
  /** The fund of each grant of the programme (GrantAwarded): disbursements and recoveries do not say it. */
  readonly grantFunds: Readonly<Record<string, Fund>>;
  /** Where each payment application belongs: the Commission's payments on it count in its year. */
  readonly applicationYears: Readonly<Record<string, { readonly fund: Fund; readonly accountingYear: string }>>;
}

export function shownAccountingDashboard(dashboard: AccountingDashboard): AccountingDashboardShown {
  return { programmeId: dashboard.programmeId, rows: dashboard.rows };
}

type Figure = {
  [K in keyof AccountingYearFigures]: AccountingYearFigures[K] extends number ? K : never;
}[keyof AccountingYearFigures];
type Delta = Partial<Record<Figure, number>>;

const ZERO: Record<Figure, number> = {
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
};

const EVENTS = [
  'ProgrammeEstablished',
  'GrantAwarded',
  'DisbursementRecorded',
  'RecoveryReceived',
  'PaymentApplicationSubmitted',
  'CommissionPaymentReceived',
  'FinancialCorrectionMade',
  'AccountsSubmitted',
] as const;

/** The accounting year of an instant, by its day in Italy. */
const yearOfInstant = (instant: string): string => accountingYearOf(dayInItaly(new Date(instant))).label;

const sum = (items: readonly DeclaredAmounts[], part: 'publicContributionCents' | 'euShareCents'): number =>
  items.reduce((total, item) => total + item[part], 0);

/** Per programme, the money per fund and accounting year: `GET /programmes/:programmeId/accounting-dashboard`. */
export const accountingDashboards = readModel<AccountingDashboard, (typeof EVENTS)[number]>({
  collection: 'accounting_dashboards',
  eventTypes: EVENTS,
  documentId: (event) => event.data.programmeId,
  evolve(dashboard, event) {
    if (event.type === 'ProgrammeEstablished')
      return { programmeId: event.data.programmeId, rows: [], grantFunds: {}, applicationYears: {} };
    if (dashboard === null) return null;
    switch (event.type) {
      case 'GrantAwarded':
        return { ...dashboard, grantFunds: { ...dashboard.grantFunds, [event.data.grantId]: event.data.fund } };
      case 'DisbursementRecorded': {
        const fund = dashboard.grantFunds[event.data.grantId];
        // A grant the dashboard never saw awarded has no fund to count it on.
        if (fund === undefined) return dashboard;
        return add(dashboard, fund, yearOfInstant(event.data.paidAt), {
          paidToBeneficiariesCents: event.data.amountCents,
        });
      }
      case 'RecoveryReceived': {
        const fund = dashboard.grantFunds[event.data.grantId];
        if (fund === undefined) return dashboard;
        return add(dashboard, fund, accountingYearOf(event.data.receivedAt).label, {
          recoveredCents: event.data.amountCents,
        });
      }
      case 'PaymentApplicationSubmitted': {
        const d = event.data;
        const added = add(dashboard, d.fund, d.accountingYear, {
          applications: 1,
          declaredPublicContributionCents: sum(d.lines, 'publicContributionCents'),
          declaredEuShareCents: sum(d.lines, 'euShareCents'),
          declaredNetPublicContributionCents: d.totals.publicContributionCents,
          declaredNetEuShareCents: d.totals.euShareCents,
        });
        return {
          ...added,
          applicationYears: {
            ...dashboard.applicationYears,
            [d.applicationId]: { fund: d.fund, accountingYear: d.accountingYear },
          },
        };
      }
      case 'CommissionPaymentReceived': {
        const d = event.data;
        // The Commission pays on an application of its year; one the dashboard never saw counts in the year of its value date.
        const year =
          dashboard.applicationYears[d.applicationId]?.accountingYear ?? accountingYearOf(d.receivedOn).label;
        return add(dashboard, d.fund, year, { receivedFromCommissionCents: d.amountCents });
      }
      case 'FinancialCorrectionMade':
        return add(dashboard, event.data.fund, yearOfInstant(event.data.madeAt), {
          correctedCents: event.data.amountCents,
        });
      case 'AccountsSubmitted': {
        const d = event.data;
        const added = add(dashboard, d.fund, d.accountingYear, {
          underAssessmentPublicContributionCents: sum(d.underAssessment, 'publicContributionCents'),
          underAssessmentEuShareCents: sum(d.underAssessment, 'euShareCents'),
        });
        const submittedOn = dayInItaly(new Date(d.submittedAt));
        return {
          ...added,
          rows: added.rows.map((row) =>
            row.fund === d.fund && row.accountingYear === d.accountingYear
              ? { ...row, accountsSubmitted: true, accountsSubmittedOn: submittedOn }
              : row,
          ),
        };
      }
    }
  },
});

/** The delta on the row of a fund and year, made when first needed; rows stay by fund, then year. */
function add(dashboard: AccountingDashboard, fund: Fund, accountingYear: string, delta: Delta): AccountingDashboard {
  const before = dashboard.rows.find((r) => r.fund === fund && r.accountingYear === accountingYear) ?? {
    fund,
    accountingYear,
    ...ZERO,
    accountsSubmitted: false,
    accountsSubmittedOn: null,
  };
  const figures = { ...ZERO };
  for (const key of Object.keys(ZERO) as Figure[]) figures[key] = before[key] + (delta[key] ?? 0);
  const after: AccountingYearFigures = { ...before, ...figures };
  const others = dashboard.rows.filter((r) => r !== before);
  return { ...dashboard, rows: [...others, after].sort(byFundThenYear) };
}

function byFundThenYear(a: AccountingYearFigures, b: AccountingYearFigures): number {
  const [x, y] = a.fund === b.fund ? [a.accountingYear, b.accountingYear] : [a.fund, b.fund];
  return x < y ? -1 : x > y ? 1 : 0;
}
