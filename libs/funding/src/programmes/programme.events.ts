import type { Cents } from '../money.js';
import type { Fund, Instant } from '../funding.types.js';

export interface FundShare {
  readonly fund: Fund;
  readonly amountCents: Cents;
}

export type ProgrammeEstablished = {
  readonly type: 'ProgrammeEstablished';
  readonly data: {
    readonly programmeId: string;
    readonly code: string;
    readonly title: string;
    readonly funds: readonly FundShare[];
    readonly establishedAt: Instant;
  };
};

export type MeasureDefined = {
  readonly type: 'MeasureDefined';
  readonly data: {
    readonly programmeId: string;
    readonly measureId: string;
    readonly code: string;
    readonly title: string;
    readonly fund: Fund;
    readonly allocationCents: Cents;
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
