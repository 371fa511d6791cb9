import type { Cents } from '../money.js';
import type { Fund, Instant } from '../funding.types.js';
import type { Cofinancing } from '../accounting/cofinancing.js';

export interface FundShare {
  readonly fund: Fund;
  readonly amountCents: Cents;
  /** The EU's share of every euro of this fund, in basis points (5000 = 50%); null where the programme did not state it. */
  readonly euCoFinancingRateBp: number | null;
  /**
   * v5: who pays each euro of it, EU / national / regional (its `euBp` is `euCoFinancingRateBp`);
   * null where the programme did not state it: nothing of the fund can then be declared to the Commission.
   */
  readonly cofinancing: Cofinancing | null;
}

/** How long the records of an operation are kept once it ends: from 31 December of the year of its last payment, or of its award. */
export type RetentionRule = { readonly from: 'last-payment' | 'award'; readonly years: number };

export const PROGRAMMING_PERIODS = ['2014-2020', '2021-2027'] as const;
/** 2014-2020 under Reg. (EU) 1303/2013; 2021-2027 under Reg. (EU) 2021/1060. */
export type ProgrammingPeriod = (typeof PROGRAMMING_PERIODS)[number];

/**
 * What the Commission pays on a payment application as interim payment, in basis points of the EU
 * share it declares: 90% under Reg. (EU) 1303/2013 art. 130, 95% under Reg. (EU) 2021/1060 art. 91;
 * the rest at the acceptance of the accounts.
 */
export const INTERIM_PAYMENT_BP_BY_PERIOD: { readonly [Period in ProgrammingPeriod]: number } = {
  '2014-2020': 9_000,
  '2021-2027': 9_500,
};

/** A span of days, YYYY-MM-DD, both included. */
export interface EligibilityPeriod {
  readonly from: string;
  readonly to: string;
}

/**
 * When expenditure may be incurred and paid to be eligible, by programming period: Reg. (EU)
 * 1303/2013 art. 65(2) (1 January 2014 to 31 December 2023) and Reg. (EU) 2021/1060 art. 63(2)
 * (1 January 2021 to 31 December 2029). A programme may state its own, narrower.
 */
export const ELIGIBILITY_BY_PERIOD: { readonly [Period in ProgrammingPeriod]: EligibilityPeriod } = {
  '2014-2020': { from: '2014-01-01', to: '2023-12-31' },
  '2021-2027': { from: '2021-01-01', to: '2029-12-31' },
};

/** De minimis aid (Reg. (EU) 2023/2831): at most `ceilingCents` per single undertaking over any rolling `windowYears`. */
export interface DeMinimisRule {
  readonly ceilingCents: Cents;
  readonly windowYears: number;
}

/** A programme's own rules, as data: they differ between programming periods and aid regimes. */
export interface ProgrammeRules {
  readonly programmingPeriod: ProgrammingPeriod;
  /**
   * The eligibility period: an operation starts and ends inside it, and its expenditure is paid
   * inside it (absent from a command: its programming period's, ELIGIBILITY_BY_PERIOD).
   */
  readonly eligibility: EligibilityPeriod;
  /** EU Reg. 2021/1060 art. 82: 5 years from 31 December of the year of the last payment; de minimis aid: 10 fiscal years from the award. */
  readonly retention: RetentionRule;
  /** How long an unsuccessful applicant may appeal (the administrative court's 60 days by default): their data is kept meanwhile. */
  readonly appealWindowDays: number;
  readonly deMinimis: DeMinimisRule;
  /** The programme's code lists, when it has them: an award's intervention type and specific objective must come from them. */
  readonly interventionTypes: readonly string[] | null;
  readonly specificObjectives: readonly string[] | null;
}

export const DEFAULT_PROGRAMME_RULES: ProgrammeRules = {
  programmingPeriod: '2021-2027',
  eligibility: ELIGIBILITY_BY_PERIOD['2021-2027'],
  retention: { from: 'last-payment', years: 5 },
  appealWindowDays: 60,
  deMinimis: { ceilingCents: 30_000_000, windowYears: 3 },
  interventionTypes: null,
  specificObjectives: null,
};

/**
 * v2: with the programme's rules. v3: rules with the programming period, de minimis and code lists;
 * funds with their EU co-financing rate. v4: rules with the eligibility period. v5: funds with
 * their co-financing split.
 */
export type ProgrammeEstablished = {
  readonly type: 'ProgrammeEstablished';
  readonly data: {
    readonly programmeId: string;
    readonly code: string;
    readonly title: string;
    readonly funds: readonly FundShare[];
    readonly rules: ProgrammeRules;
    readonly establishedAt: Instant;
  };
};

/**
 * v2: with `sensitive`, for a measure touching health or social or economic hardship (D.lgs. 33/2013
 * art. 26(4)). v3: with its priority axis (2014-2020) or priority (2021-2027), null where not stated.
 */
export type MeasureDefined = {
  readonly type: 'MeasureDefined';
  readonly data: {
    readonly programmeId: string;
    readonly measureId: string;
    readonly code: string;
    readonly title: string;
    readonly fund: Fund;
    readonly allocationCents: Cents;
    /** Its natural persons are shown to no one but the roles that act on them, and never published. */
    readonly sensitive: boolean;
    /** The programme's priority axis or priority the measure sits under (e.g. "II"): payment applications total by it. */
    readonly priorityAxis: string | null;
    readonly definedAt: Instant;
  };
};

/** A call's budget set aside from its measure's allocation (written with CallOpened, atomically). */
export type MeasureBudgetReserved = {
  readonly type: 'MeasureBudgetReserved';
  readonly data: {
    readonly programmeId: string;
    readonly measureId: string;
    readonly callId: string;
    readonly amountCents: Cents;
    readonly reservedAt: Instant;
  };
};

/** A cancelled call's reservation handed back to its measure (written with CallCancelled). */
export type MeasureReservationReleased = {
  readonly type: 'MeasureReservationReleased';
  readonly data: {
    readonly programmeId: string;
    readonly measureId: string;
    readonly callId: string;
    readonly amountCents: Cents;
    readonly releasedAt: Instant;
  };
};

/** The co-financing split of a fund share established without one, stated once (its EU share becomes the fund's EU rate). */
export type FundCofinancingStated = {
  readonly type: 'FundCofinancingStated';
  readonly data: {
    readonly programmeId: string;
    readonly fund: Fund;
    readonly cofinancing: Cofinancing;
    readonly statedAt: Instant;
  };
};

export type ProgrammeEvent =
  ProgrammeEstablished | MeasureDefined | MeasureBudgetReserved | MeasureReservationReleased | FundCofinancingStated;
