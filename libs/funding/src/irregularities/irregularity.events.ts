import type { Cofinancing } from '../accounting/cofinancing.js';
import type { Fund, Instant } from '../funding.types.js';
import type { Cents } from '../money.js';

/**
 * Where an irregularity stands in its follow-up: open (found, nothing done yet), under recovery (a
 * correction or a recovery under way), closed (the case is settled; it takes no more follow-up).
 */
export const IRREGULARITY_STATUSES = ['open', 'under-recovery', 'closed'] as const;
export type IrregularityStatus = (typeof IRREGULARITY_STATUSES)[number];

/**
 * A breach of the rules that harms, or would harm, the EU budget, found on a grant ("irregolarità"):
 * its amount as the grant's co-financing splits it, and whether it is reported to OLAF (IMS), by
 * when (Reg. (EU) 2015/1970; 2021/1060 Annex XII). On the irregularity's own stream.
 */
export type IrregularityRecorded = {
  readonly type: 'IrregularityRecorded';
  readonly data: {
    readonly irregularityId: string;
    readonly grantId: string;
    readonly callId: string;
    readonly programmeId: string;
    readonly measureId: string;
    /** The fund of the grant's measure, whose co-financing splits the amount. */
    readonly fund: Fund;
    readonly cup: string;
    /** What kind of breach: a code, e.g. an IMS category. */
    readonly type: string;
    /** The day of the first written finding (primo verbale amministrativo o giudiziario), YYYY-MM-DD. */
    readonly firstWrittenFindingOn: string;
    readonly irregularAmountCents: Cents;
    /** The co-financing the split applied: the fund share's. */
    readonly cofinancing: Cofinancing;
    /** The irregular amount split by it; the three parts sum to it. */
    readonly euCents: Cents;
    readonly nationalCents: Cents;
    readonly regionalCents: Cents;
    readonly suspectedFraud: boolean;
    readonly description: string;
    /** Above EUR 10,000 of EU contribution, or a suspected fraud: reported to OLAF. */
    readonly reportable: boolean;
    /** The last day to report it to OLAF, YYYY-MM-DD; null when not reportable. */
    readonly reportToOlafBy: string | null;
    /** The principal that recorded it. */
    readonly recordedBy: string;
    readonly recordedAt: Instant;
  };
};

/** Where the case stands now: its status and the amounts corrected and recovered to date (cumulative, not increments). */
export type IrregularityFollowedUp = {
  readonly type: 'IrregularityFollowedUp';
  readonly data: {
    readonly irregularityId: string;
    readonly grantId: string;
    readonly status: IrregularityStatus;
    /** Corrected to date (withdrawn from declarations or cancelled from the contribution). */
    readonly correctedCents: Cents;
    /** Recovered from the beneficiary to date. */
    readonly recoveredCents: Cents;
    readonly note: string | null;
    readonly followedUpBy: string;
    readonly followedUpAt: Instant;
  };
};

export type IrregularityEvent = IrregularityRecorded | IrregularityFollowedUp;
