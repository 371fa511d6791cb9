import type { Cents } from '../money.js';
import type { AidRegime, ApplicantType, Fund, Instant } from '../funding.types.js';

/** v2: with `sensitive`, from its measure. v3: with its State-aid regime. */
export type CallOpened = {
  readonly type: 'CallOpened';
  readonly data: {
    readonly callId: string;
    readonly programmeId: string;
    readonly measureId: string;
    readonly fund: Fund;
    readonly title: string;
    readonly budgetCents: Cents;
    readonly opensAt: Instant;
    readonly closesAt: Instant;
    readonly eligibleApplicantTypes: readonly ApplicantType[];
    /** Per-bid cap; null when a bid may ask for up to the whole budget. */
    readonly maxGrantCents: Cents | null;
    /** Its measure touches health or social hardship: natural persons' bids are not shown publicly. */
    readonly sensitive: boolean;
    readonly aidRegime: AidRegime;
    readonly openedAt: Instant;
  };
};

export type CallClosed = {
  readonly type: 'CallClosed';
  readonly data: { readonly callId: string; readonly closedAt: Instant };
};

export type CallCancelled = {
  readonly type: 'CallCancelled';
  readonly data: {
    readonly callId: string;
    readonly reason: string | null;
    /** The reservation handed back to the measure. */
    readonly releasedCents: Cents;
    readonly cancelledAt: Instant;
  };
};

/** Budget committed by a grant award (written with BidAwarded and GrantAwarded, atomically). */
export type CallBudgetCommitted = {
  readonly type: 'CallBudgetCommitted';
  readonly data: {
    readonly callId: string;
    readonly grantId: string;
    readonly bidId: string;
    readonly amountCents: Cents;
    readonly committedAt: Instant;
  };
};

/** Budget a grant no longer holds, returned to the call: after a revocation or a final payment below the award. */
export type CallBudgetReleased = {
  readonly type: 'CallBudgetReleased';
  readonly data: {
    readonly callId: string;
    readonly grantId: string;
    readonly amountCents: Cents;
    readonly cause: 'revocation' | 'completion';
    readonly releasedAt: Instant;
  };
};

export type CallEvent = CallOpened | CallClosed | CallCancelled | CallBudgetCommitted | CallBudgetReleased;
