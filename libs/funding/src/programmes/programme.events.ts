import type { Cents } from '../money.js';
import type { Fund, Instant } from '../funding.types.js';

export interface FundShare {
  readonly fund: Fund;
  readonly amountCents: Cents;
}

/** How long the records of an operation are kept once it ends: from 31 December of the year of its last payment, or of its award. */
export type RetentionRule = { readonly from: 'last-payment' | 'award'; readonly years: number };

/** A programme's own rules, as data: they differ between programming periods and aid regimes. */
export interface ProgrammeRules {
  /** EU Reg. 2021/1060 art. 82: 5 years from 31 December of the year of the last payment; de minimis aid: 10 fiscal years from the award. */
  readonly retention: RetentionRule;
  /** How long an unsuccessful applicant may appeal (the administrative court's 60 days by default): their data is kept meanwhile. */
  readonly appealWindowDays: number;
}

export const DEFAULT_PROGRAMME_RULES: ProgrammeRules = { retention: { from: 'last-payment', years: 5 }, appealWindowDays: 60 };

/** v2: with the programme's rules. */
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

/** v2: with `sensitive`, for a measure touching health or social or economic hardship (D.lgs. 33/2013 art. 26(4)). */
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

export type ProgrammeEvent =
  | ProgrammeEstablished
  | MeasureDefined
  | MeasureBudgetReserved
  | MeasureReservationReleased;
