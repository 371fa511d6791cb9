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
  /** Paid beyond reduced awards, to be recovered. */
  readonly recoveryDueCents: number;
}

export interface MeasureFigures extends MoneyTotals {
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

export interface FundFigures extends MoneyTotals {
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

const ZERO: MoneyTotals = { reservedCents: 0, committedCents: 0, releasedCents: 0, disbursedCents: 0, recoveryDueCents: 0 };
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
  return {
    ...figures,
    reservedCents: figures.reservedCents + (delta.reservedCents ?? 0),
    committedCents: figures.committedCents + (delta.committedCents ?? 0),
    releasedCents: figures.releasedCents + (delta.releasedCents ?? 0),
    disbursedCents: figures.disbursedCents + (delta.disbursedCents ?? 0),
    recoveryDueCents: figures.recoveryDueCents + (delta.recoveryDueCents ?? 0),
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

function measureFigures(m: Omit<MeasureFigures, 'unreservedCents' | 'availableCents' | 'absorption'>): MeasureFigures {
  return {
    ...m,
    unreservedCents: m.allocationCents - m.reservedCents,
    availableCents: m.allocationCents - m.committedCents + m.releasedCents,
    absorption: ratio(m.disbursedCents, m.allocationCents),
  };
}

function fundFigures(f: Omit<FundFigures, 'unallocatedCents' | 'availableCents' | 'absorption'>): FundFigures {
  return {
    ...f,
    unallocatedCents: f.amountCents - f.allocatedCents,
    availableCents: f.amountCents - f.committedCents + f.releasedCents,
    absorption: ratio(f.disbursedCents, f.amountCents),
  };
}
