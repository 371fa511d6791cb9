import type { Cents } from '../money.js';
import type { AidRegime, ApplicantType, Fund, Instant } from '../funding.types.js';
import type { AdministrativeAct } from '../acts/administrative-act.js';
import type { PassOverReason } from '../bids/bid.events.js';

export const SELECTIONS = ['ranking', 'first-come'] as const;
/** ranking: bids are funded in order of score ("graduatoria"); first-come: in order of arrival until the money runs out ("a sportello"). */
export type Selection = (typeof SELECTIONS)[number];

/**
 * v2: with `sensitive`, from its measure. v3: with its State-aid regime. v4: with the advance share
 * its grants may be paid on the award alone. v5: with how its bids are selected. v6: with its
 * funding rate, and under GBER the article it applies and the aid intensity it allows.
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
    /**
     * The share of verified eligible expenditure the grant pays ("intensità dell'aiuto" / rate of
     * support), in basis points (8000 = 80%): a grant is paid at most this rate times its verified
     * expenditure, up to its award.
     */
    readonly fundingRateBp: number;
    /** Under GBER (Reg. (EU) 651/2014): the article its aid falls under and that article's maximum aid intensity; null otherwise. */
    readonly gber: GberTerms | null;
    readonly openedAt: Instant;
  };
};

/** A GBER call's terms: e.g. `{ article: 'art. 20', maxIntensityBp: 5000 }`: no award above 50% of the operation's eligible cost. */
export interface GberTerms {
  readonly article: string;
  /** Basis points (1..10000) of the operation's total eligible cost an award may reach. */
  readonly maxIntensityBp: number;
}

/** A bid's place in an approved ranking. */
export interface RankedBid {
  readonly bidId: string;
  readonly score: number;
  /** 1 for the best; every bid its own rank (equal scores are ordered by arrival). */
  readonly rank: number;
}

/**
 * The ranking ("graduatoria") of a ranking call, approved by its act once the call is closed and
 * every bid on time is evaluated: the admissible bids by score, the best first, equal scores by
 * arrival (the log's order); awards follow it. `notRanked`: the other bids the call received, and why they are not in it.
 */
export type RankingApproved = {
  readonly type: 'RankingApproved';
  readonly data: {
    readonly callId: string;
    readonly act: AdministrativeAct;
    readonly ranked: readonly RankedBid[];
    readonly notRanked: ReadonlyArray<{
      readonly bidId: string;
      readonly reason: 'inadmissible' | 'withdrawn' | 'late';
    }>;
    readonly approvedAt: Instant;
  };
};

/**
 * A ranked bid passed over, on the call's stream (the bid's own stream has BidPassedOver): the
 * line of the ranking moves on, and awards racing on the call meet this event there.
 */
export type RankedBidPassedOver = {
  readonly type: 'RankedBidPassedOver';
  readonly data: {
    readonly callId: string;
    readonly bidId: string;
    readonly reason: PassOverReason;
    readonly act: AdministrativeAct;
    readonly passedOverAt: Instant;
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
  readonly data: {
    readonly callId: string;
    readonly bidId: string;
    readonly arrival: string;
    readonly queuedAt: Instant;
  };
};

export type CallEvent =
  | CallOpened
  | CallClosed
  | CallCancelled
  | CallBudgetCommitted
  | CallBudgetReleased
  | BidQueued
  | RankingApproved
  | RankedBidPassedOver;
