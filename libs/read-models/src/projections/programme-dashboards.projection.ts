import type { Fund, ProgrammeRules } from '@app/funding';
import { readModel } from './projection.js';

/** The money of a fund or a measure, each figure the sum of the events behind it (invariant 7). */
export interface MoneyTotals {
  /** Reserved by calls that are open or closed (cancelled calls hand theirs back). */
  readonly reservedCents: number;
  /** Awarded to grants, as first awarded. */
  readonly committedCents: number;
  /** Handed back to calls by revocations and by final payments below the award. */
  readonly releasedCents: number;
  readonly disbursedCents: number;
  /** Expenditure beneficiaries declared in their claims. */
  readonly declaredCents: number;
  /** Expenditure first-level control found eligible. */
  readonly verifiedCents: number;
  /** Paid beyond what grants are entitled to (after revocations and final verifications): due back, in all. */
  readonly recoveryDueCents: number;
  /** Principal received back (it is in `releasedCents` too: available again). */
  readonly recoveredCents: number;
  readonly writtenOffCents: number;
  /** Interest received on recoveries: shown apart, never budget. */
  readonly interestReceivedCents: number;
}

/** Due, neither received nor written off. */
interface Outstanding {
  readonly outstandingRecoveryCents: number;
}

export interface MeasureFigures extends MoneyTotals, Outstanding {
  readonly measureId: string;
  readonly code: string;
  readonly title: string;
  readonly fund: Fund;
  readonly allocationCents: number;
  /** allocation − reserved: what new calls could still reserve. */
  readonly unreservedCents: number;
  /** allocation − (committed − released): what is not committed to grants ("available" means this everywhere). */
  readonly availableCents: number;
  /** disbursed / allocation. */
  readonly absorption: number;
}

export interface FundFigures extends MoneyTotals, Outstanding {
  readonly fund: Fund;
  readonly amountCents: number;
  readonly allocatedCents: number;
  /** amount − allocated to measures. */
  readonly unallocatedCents: number;
  /** amount − (committed − released). */
  readonly availableCents: number;
  /** disbursed / amount. */
  readonly absorption: number;
}

export interface ProgrammeDashboard {
  readonly [field: string]: unknown;
  readonly programmeId: string;
  readonly code: string;
  readonly title: string;
  readonly rules: ProgrammeRules;
  readonly funds: readonly FundFigures[];
  readonly measures: readonly MeasureFigures[];
}

const ZERO: MoneyTotals = {
  reservedCents: 0,
  committedCents: 0,
  releasedCents: 0,
  disbursedCents: 0,
  declaredCents: 0,
  verifiedCents: 0,
  recoveryDueCents: 0,
  recoveredCents: 0,
  writtenOffCents: 0,
  interestReceivedCents: 0,
};
type Delta = Partial<MoneyTotals>;

const EVENTS = [
  'ProgrammeEstablished',
  'MeasureDefined',
  'MeasureBudgetReserved',
  'MeasureReservationReleased',
  'GrantAwarded',
  'DisbursementRecorded',
  'GrantCompleted',
  'GrantRevoked',
  'ExpenditureClaimSubmitted',
  'ExpenditureClaimVerified',
  'RecoveryReceived',
  'RecoveryWrittenOff',
] as const;

/** Per programme, the money per fund and per measure: `GET /programmes/:programmeId/dashboard`. */
export const programmeDashboards = readModel<ProgrammeDashboard, (typeof EVENTS)[number]>({
  collection: 'programme_dashboards',
  eventTypes: EVENTS,
  documentId: (event) => event.data.programmeId,
  evolve(dashboard, event) {
    if (event.type === 'ProgrammeEstablished') {
      const d = event.data;
      return {
        programmeId: d.programmeId,
        code: d.code,
        title: d.title,
        rules: d.rules,
        funds: d.funds.map((f) => fundFigures({ fund: f.fund, amountCents: f.amountCents, allocatedCents: 0, ...ZERO })),
        measures: [],
      };
    }
    if (dashboard === null) return null;
    switch (event.type) {
      case 'MeasureDefined': {
        const d = event.data;
        return {
          ...dashboard,
          funds: dashboard.funds.map((f) => (f.fund === d.fund ? fundFigures({ ...f, allocatedCents: f.allocatedCents + d.allocationCents }) : f)),
          measures: [...dashboard.measures, measureFigures({ measureId: d.measureId, code: d.code, title: d.title, fund: d.fund, allocationCents: d.allocationCents, ...ZERO })],
        };
      }
      case 'MeasureBudgetReserved':
        return move(dashboard, event.data.measureId, { reservedCents: event.data.amountCents });
      case 'MeasureReservationReleased':
        return move(dashboard, event.data.measureId, { reservedCents: -event.data.amountCents });
      case 'GrantAwarded':
        return move(dashboard, event.data.measureId, { committedCents: event.data.amountCents });
      case 'DisbursementRecorded':
        return move(dashboard, event.data.measureId, { disbursedCents: event.data.amountCents });
      case 'GrantCompleted':
        return move(dashboard, event.data.measureId, { releasedCents: event.data.releasedCents });
      case 'GrantRevoked':
        return move(dashboard, event.data.measureId, { releasedCents: event.data.releasedCents, recoveryDueCents: event.data.recoveryDueAddedCents });
      case 'ExpenditureClaimSubmitted':
        return move(dashboard, event.data.measureId, { declaredCents: event.data.declaredCents });
      case 'ExpenditureClaimVerified':
        return move(dashboard, event.data.measureId, { verifiedCents: event.data.eligibleCents, releasedCents: event.data.releasedCents, recoveryDueCents: event.data.recoveryDueAddedCents });
      case 'RecoveryReceived':
        return move(dashboard, event.data.measureId, { recoveredCents: event.data.amountCents, interestReceivedCents: event.data.interestCents, releasedCents: event.data.releasedCents });
      case 'RecoveryWrittenOff':
        return move(dashboard, event.data.measureId, { writtenOffCents: event.data.amountCents });
    }
  },
});

/** The delta on a measure, and on its fund. */
function move(dashboard: ProgrammeDashboard, measureId: string, delta: Delta): ProgrammeDashboard {
  const measure = dashboard.measures.find((m) => m.measureId === measureId);
  if (!measure) return dashboard;
  return {
    ...dashboard,
    funds: dashboard.funds.map((f) => (f.fund === measure.fund ? fundFigures(add(f, delta)) : f)),
    measures: dashboard.measures.map((m) => (m.measureId === measureId ? measureFigures(add(m, delta)) : m)),
  };
}

function add<T extends MoneyTotals>(figures: T, delta: Delta): T {
  const sum = { ...figures };
  for (const key of Object.keys(ZERO) as Array<keyof MoneyTotals>) (sum as Record<keyof MoneyTotals, number>)[key] = figures[key] + (delta[key] ?? 0);
  return sum;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

function measureFigures(m: Omit<MeasureFigures, 'unreservedCents' | 'availableCents' | 'absorption' | 'outstandingRecoveryCents'>): MeasureFigures {
  return {
    ...m,
    outstandingRecoveryCents: m.recoveryDueCents - m.recoveredCents - m.writtenOffCents,
    unreservedCents: m.allocationCents - m.reservedCents,
    availableCents: m.allocationCents - m.committedCents + m.releasedCents,
    absorption: ratio(m.disbursedCents, m.allocationCents),
  };
}

function fundFigures(f: Omit<FundFigures, 'unallocatedCents' | 'availableCents' | 'absorption' | 'outstandingRecoveryCents'>): FundFigures {
  return {
    ...f,
    outstandingRecoveryCents: f.recoveryDueCents - f.recoveredCents - f.writtenOffCents,
    unallocatedCents: f.amountCents - f.allocatedCents,
    availableCents: f.amountCents - f.committedCents + f.releasedCents,
    absorption: ratio(f.disbursedCents, f.amountCents),
  };
}
