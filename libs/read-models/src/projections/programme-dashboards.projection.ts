import {
  outstandingRecoveryCents,
  splitContribution,
  unpaidPayableCents,
  type Cofinancing,
  type ContributionSplit,
  type Fund,
  type GrantMoney,
  type ProgrammeRules,
} from '@app/funding';
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
  /**
   * What the expenditure verified so far entitles active grants to and was not paid yet (net of
   * recoveries): the domain's `unpaidPayableCents`, summed over the grants.
   */
  readonly payableCents: number;
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
  /** Who pays each euro of the fund, EU / national / regional, as the programme stated it; null where it did not. */
  readonly cofinancing: Cofinancing | null;
  /**
   * committed − released (what stays committed to grants) split by `cofinancing`: computed from that
   * total with splitContribution, never summed from the grants' rounded parts, so it sums to it
   * exactly. Null without co-financing.
   */
  readonly committedSplit: ContributionSplit | null;
  /** disbursed − recovered (paid net of the principal recovered) split the same way; null without co-financing. */
  readonly paidSplit: ContributionSplit | null;
}

/** The dashboard as `GET /programmes/:programmeId/dashboard` shows it. */
export interface ProgrammeDashboardShown {
  readonly programmeId: string;
  readonly code: string;
  readonly title: string;
  readonly rules: ProgrammeRules;
  readonly funds: readonly FundFigures[];
  readonly measures: readonly MeasureFigures[];
}

/** An active grant's money as the dashboard keeps it: what its payable follows from (its verified claims only). */
export type ActiveGrantMoney = Omit<GrantMoney, 'status'>;

/** The dashboard as stored. */
export interface ProgrammeDashboard extends ProgrammeDashboardShown {
  readonly [field: string]: unknown;
  /**
   * The money of each active grant, by grant id: its payable changes with each of its events by
   * more than the event says, so the dashboard keeps what the domain computes it from. Not shown;
   * absent from documents stored before `payableCents` was (rebuild them).
   */
  readonly activeGrants?: Readonly<Record<string, ActiveGrantMoney>>;
}

/** The document without what the dashboard keeps only to compute its figures. */
export function shownDashboard(dashboard: ProgrammeDashboard): ProgrammeDashboardShown {
  const { activeGrants: _kept, ...shown } = dashboard;
  return shown;
}

const ZERO: MoneyTotals = {
  reservedCents: 0,
  committedCents: 0,
  releasedCents: 0,
  disbursedCents: 0,
  payableCents: 0,
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
  'FundCofinancingStated',
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
        funds: d.funds.map((f) =>
          fundFigures({
            fund: f.fund,
            amountCents: f.amountCents,
            allocatedCents: 0,
            cofinancing: f.cofinancing,
            ...ZERO,
          }),
        ),
        measures: [],
        activeGrants: {},
      };
    }
    if (dashboard === null) return null;
    switch (event.type) {
      case 'MeasureDefined': {
        const d = event.data;
        return {
          ...dashboard,
          funds: dashboard.funds.map((f) =>
            f.fund === d.fund ? fundFigures({ ...f, allocatedCents: f.allocatedCents + d.allocationCents }) : f,
          ),
          measures: [
            ...dashboard.measures,
            measureFigures({
              measureId: d.measureId,
              code: d.code,
              title: d.title,
              fund: d.fund,
              allocationCents: d.allocationCents,
              ...ZERO,
            }),
          ],
        };
      }
      case 'FundCofinancingStated':
        return {
          ...dashboard,
          funds: dashboard.funds.map((f) =>
            f.fund === event.data.fund ? fundFigures({ ...f, cofinancing: event.data.cofinancing }) : f,
          ),
        };
      case 'MeasureBudgetReserved':
        return move(dashboard, event.data.measureId, { reservedCents: event.data.amountCents });
      case 'MeasureReservationReleased':
        return move(dashboard, event.data.measureId, { reservedCents: -event.data.amountCents });
      case 'GrantAwarded': {
        const d = event.data;
        const awarded: ActiveGrantMoney = {
          currentAwardCents: d.amountCents,
          totalEligibleCostCents: d.operation.totalEligibleCostCents,
          fundingRateBp: d.fundingRateBp,
          paidCents: 0,
          advancePaidCents: 0,
          recoveredCents: 0,
          claims: [],
        };
        // Nothing verified nor paid yet: nothing payable either.
        return {
          ...move(dashboard, d.measureId, { committedCents: d.amountCents }),
          activeGrants: { ...dashboard.activeGrants, [d.grantId]: awarded },
        };
      }
      case 'DisbursementRecorded': {
        const d = event.data;
        return moveGrant(
          dashboard,
          d,
          (g) => ({
            ...g,
            paidCents: g.paidCents + d.amountCents,
            advancePaidCents: g.advancePaidCents + (d.kind === 'advance' ? d.amountCents : 0),
          }),
          { disbursedCents: d.amountCents },
        );
      }
      // A completed or revoked grant is paid nothing more: it leaves the active grants.
      case 'GrantCompleted':
        return moveGrant(dashboard, event.data, () => null, { releasedCents: event.data.releasedCents });
      case 'GrantRevoked': {
        const d = event.data;
        return moveGrant(dashboard, d, (g) => (d.whole ? null : { ...g, currentAwardCents: d.awardAfterCents }), {
          releasedCents: d.releasedCents,
          recoveryDueCents: d.recoveryDueAddedCents,
        });
      }
      case 'ExpenditureClaimSubmitted':
        return move(dashboard, event.data.measureId, { declaredCents: event.data.declaredCents });
      case 'ExpenditureClaimVerified': {
        const d = event.data;
        return moveGrant(
          dashboard,
          d,
          (g) => ({
            ...g,
            claims: [...g.claims, { kind: d.kind, status: 'verified', eligibleCents: d.eligibleCents }],
          }),
          {
            verifiedCents: d.eligibleCents,
            releasedCents: d.releasedCents,
            recoveryDueCents: d.recoveryDueAddedCents,
          },
        );
      }
      case 'RecoveryReceived': {
        const d = event.data;
        return moveGrant(dashboard, d, (g) => ({ ...g, recoveredCents: g.recoveredCents + d.amountCents }), {
          recoveredCents: d.amountCents,
          interestReceivedCents: d.interestCents,
          releasedCents: d.releasedCents,
        });
      }
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

/**
 * An event of a grant: its money changes (null: the grant is no longer active), and with it what
 * it may still be paid, which moves its measure's and fund's payable along with the event's delta.
 */
function moveGrant(
  dashboard: ProgrammeDashboard,
  place: { readonly grantId: string; readonly measureId: string },
  change: (grant: ActiveGrantMoney) => ActiveGrantMoney | null,
  delta: Delta,
): ProgrammeDashboard {
  const { [place.grantId]: before, ...others } = dashboard.activeGrants ?? {};
  // A completed or revoked grant is no longer among them, nor one awarded before the document kept them (until a rebuild).
  const after = before === undefined ? null : change(before);
  const payable = (grant: ActiveGrantMoney | null | undefined) =>
    grant ? unpaidPayableCents({ status: 'active', ...grant }) : 0;
  const moved = move(dashboard, place.measureId, { ...delta, payableCents: payable(after) - payable(before) });
  return { ...moved, activeGrants: after === null ? others : { ...others, [place.grantId]: after } };
}

function add<T extends MoneyTotals>(figures: T, delta: Delta): T {
  const sum = { ...figures };
  // `?? 0`: a document stored before a figure was added lacks it.
  for (const key of Object.keys(ZERO) as Array<keyof MoneyTotals>)
    (sum as Record<keyof MoneyTotals, number>)[key] = (figures[key] ?? 0) + (delta[key] ?? 0);
  return sum;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

function measureFigures(
  m: Omit<MeasureFigures, 'unreservedCents' | 'availableCents' | 'absorption' | 'outstandingRecoveryCents'>,
): MeasureFigures {
  return {
    ...m,
    outstandingRecoveryCents: outstandingRecoveryCents(m),
    unreservedCents: m.allocationCents - m.reservedCents,
    availableCents: m.allocationCents - m.committedCents + m.releasedCents,
    absorption: ratio(m.disbursedCents, m.allocationCents),
  };
}

function fundFigures(
  f: Omit<
    FundFigures,
    | 'unallocatedCents'
    | 'availableCents'
    | 'absorption'
    | 'outstandingRecoveryCents'
    | 'cofinancing'
    | 'committedSplit'
    | 'paidSplit'
  > & {
    // Absent from documents stored before co-financing was shown (rebuild them).
    readonly cofinancing?: Cofinancing | null;
  },
): FundFigures {
  const cofinancing = f.cofinancing ?? null;
  const split = (amountCents: number) => (cofinancing === null ? null : splitContribution(amountCents, cofinancing));
  return {
    ...f,
    outstandingRecoveryCents: outstandingRecoveryCents(f),
    unallocatedCents: f.amountCents - f.allocatedCents,
    availableCents: f.amountCents - f.committedCents + f.releasedCents,
    absorption: ratio(f.disbursedCents, f.amountCents),
    cofinancing,
    committedSplit: split(f.committedCents - f.releasedCents),
    paidSplit: split(f.disbursedCents - f.recoveredCents),
  };
}
