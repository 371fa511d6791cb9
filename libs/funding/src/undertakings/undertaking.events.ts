import type { Cents } from '../money.js';
import type { Instant } from '../funding.types.js';

/**
 * De minimis aid this ledger granted, recorded on the stream of every member of the beneficiary's
 * single undertaking (the beneficiary and the undertakings linked to it), so two awards to one
 * undertaking are decided one after the other, whichever call they come from.
 * v2: with the day the aid was granted, its award act's date (the ceiling's windows count by it).
 */
export type DeMinimisAidRecorded = {
  readonly type: 'DeMinimisAidRecorded';
  readonly data: {
    /** The member whose stream this is. */
    readonly undertaking: string;
    /** The undertaking the grant went to. */
    readonly beneficiary: string;
    readonly grantId: string;
    readonly amountCents: Cents;
    /** YYYY-MM-DD: the award act's date, when the legal right to the aid was conferred. */
    readonly grantDate: string;
    /** When the award was recorded. */
    readonly awardedAt: Instant;
  };
};

export type UndertakingEvent = DeMinimisAidRecorded;
