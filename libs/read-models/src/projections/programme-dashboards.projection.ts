import type { Fund } from '@app/funding';
import type { Projection } from './projection.js';
import { fundingEvent } from './projection.js';

/** The money of a fund or a measure, each figure the sum of the events behind it. */
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
  /** allocation − (committed − released): what is not yet committed to grants. */
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
  readonly funds: readonly FundFigures[];
  readonly measures: readonly MeasureFigures[];
}

/** Which programme and measure a grant's later events belong to, and what it had due for recovery. */
interface GrantRoute {
  readonly [field: string]: unknown;
  readonly programmeId: string;
  readonly measureId: string;
  readonly recoveryDueCents: number;
}

const DASHBOARDS = 'programme_dashboards';
const ROUTES = 'dashboard_grant_routes';
const ZERO: MoneyTotals = { reservedCents: 0, committedCents: 0, releasedCents: 0, disbursedCents: 0, recoveryDueCents: 0 };

type Delta = Partial<MoneyTotals>;

export const programmeDashboards: Projection = {
  name: 'programme-dashboards',
  collections: [DASHBOARDS, ROUTES],
  async apply(recorded, docs) {
    const event = fundingEvent(recorded);
    switch (event.type) {
      case 'ProgrammeEstablished': {
        const d = event.data;
        docs.put(DASHBOARDS, d.programmeId, {
          programmeId: d.programmeId,
          code: d.code,
          title: d.title,
          funds: d.funds.map((f) => fundFigures({ fund: f.fund, amountCents: f.amountCents, allocatedCents: 0, ...ZERO })),
          measures: [],
        } satisfies ProgrammeDashboard);
        return;
      }
      case 'MeasureDefined': {
        const d = event.data;
        return update(d.programmeId, (p) => ({
          ...p,
          funds: p.funds.map((f) => (f.fund === d.fund ? fundFigures({ ...f, allocatedCents: f.allocatedCents + d.allocationCents }) : f)),
          measures: [...p.measures, measureFigures({ measureId: d.measureId, code: d.code, title: d.title, fund: d.fund, allocationCents: d.allocationCents, ...ZERO })],
        }));
      }
      case 'MeasureBudgetReserved':
        return move(event.data.programmeId, event.data.measureId, { reservedCents: event.data.amountCents });
      case 'MeasureReservationReleased':
        return move(event.data.programmeId, event.data.measureId, { reservedCents: -event.data.amountCents });
      case 'GrantAwarded': {
        const d = event.data;
        docs.put(ROUTES, d.grantId, { programmeId: d.programmeId, measureId: d.measureId, recoveryDueCents: 0 } satisfies GrantRoute);
        return move(d.programmeId, d.measureId, { committedCents: d.amountCents });
      }
      case 'DisbursementRecorded':
        return moveForGrant(event.data.grantId, () => ({ disbursedCents: event.data.amountCents }));
      case 'GrantCompleted':
        return moveForGrant(event.data.grantId, () => ({ releasedCents: event.data.releasedCents }));
      case 'GrantRevoked':
        return moveForGrant(event.data.grantId, (route) => ({
          releasedCents: event.data.releasedCents,
          recoveryDueCents: event.data.recoveryDueCents - route.recoveryDueCents,
        }), event.data.recoveryDueCents);
      default:
        return;
    }

    async function update(programmeId: string, change: (p: ProgrammeDashboard) => ProgrammeDashboard): Promise<void> {
      const dashboard = await docs.get<ProgrammeDashboard>(DASHBOARDS, programmeId);
      if (dashboard) docs.put(DASHBOARDS, programmeId, change(dashboard));
    }

    async function move(programmeId: string, measureId: string, delta: Delta): Promise<void> {
      await update(programmeId, (p) => {
        const measure = p.measures.find((m) => m.measureId === measureId);
        if (!measure) return p;
        return {
          ...p,
          funds: p.funds.map((f) => (f.fund === measure.fund ? fundFigures(add(f, delta)) : f)),
          measures: p.measures.map((m) => (m.measureId === measureId ? measureFigures(add(m, delta)) : m)),
        };
      });
    }

    async function moveForGrant(grantId: string, delta: (route: GrantRoute) => Delta, recoveryDueAfter?: number): Promise<void> {
      const route = await docs.get<GrantRoute>(ROUTES, grantId);
      if (!route) return;
      await move(route.programmeId, route.measureId, delta(route));
      if (recoveryDueAfter !== undefined) docs.put(ROUTES, grantId, { ...route, recoveryDueCents: recoveryDueAfter });
    }
  },
};

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
