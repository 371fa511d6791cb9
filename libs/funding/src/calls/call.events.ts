import type { Cents } from '../money.js';
import type { AidRegime, ApplicantType, Fund, Instant } from '../funding.types.js';

export const SELECTIONS = ['ranking', 'first-come'] as const;
/** ranking: bids are funded in order of score ("graduatoria"); first-come: in order of arrival until the money runs out ("a sportello"). */
export type Selection = (typeof SELECTIONS)[number];

/**
 * v2: with `sensitive`, from its measure. v3: with its State-aid regime. v4: with the advance share
 * its grants may be paid on the award alone. v5: with how its bids are selected.
 */
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
    /** The share of a grant's award payable as an advance ("anticipo") before any verified expenditure, in basis points (4000 = 40%). */
    readonly advanceShareBp: number;
    readonly selection: Selection;
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

/**
 * Budget a grant no longer holds, returned to the call: after a revocation, a final payment below the
 * award, the verification of a final claim that entitles the grant to less, or a recovery of money paid.
 */
export type CallBudgetReleased = {
  readonly type: 'CallBudgetReleased';
  readonly data: {
    readonly callId: string;
    readonly grantId: string;
    readonly amountCents: Cents;
    readonly cause: 'revocation' | 'completion' | 'verification' | 'recovery';
    readonly releasedAt: Instant;
  };
};

/**
 * A bid of a first-come call was found admissible: it waits in the call's queue, in order of
 * arrival (its submission's place in the log), until it is awarded or withdrawn.
 */
export type BidQueued = {
  readonly type: 'BidQueued';
  readonly data: { readonly callId: string; readonly bidId: string; readonly arrival: string; readonly queuedAt: Instant };
};

export type CallEvent = CallOpened | CallClosed | CallCancelled | CallBudgetCommitted | CallBudgetReleased | BidQueued;
