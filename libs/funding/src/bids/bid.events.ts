import type { Cents } from '../money.js';
import type { Applicant, Instant } from '../funding.types.js';
import type { AdministrativeAct } from '../acts/administrative-act.js';

/**
 * v2: with the principal (the applicant portal) that submitted it, which alone may act on it.
 * v3: the applicant a legal person (with its identity) or a natural person (a subject id only), and
 * whether its call's measure is sensitive.
 */
export type BidSubmitted = {
  readonly type: 'BidSubmitted';
  readonly data: {
    readonly bidId: string;
    readonly callId: string;
    readonly submittedBy: string;
    readonly applicant: Applicant;
    /**
     * v4: the undertakings the applicant declares linked to it (one single undertaking for de
     * minimis), by undertaking key: a legal person's tax code, a natural person's subject id.
     */
    readonly linkedUndertakings: readonly string[];
    readonly sensitive: boolean;
    readonly projectTitle: string;
    readonly requestedCents: Cents;
    readonly submittedAt: Instant;
  };
};

/** v2: says where the bid stood when it was withdrawn, so a count by status needs nothing but the event. */
export type BidWithdrawn = {
  readonly type: 'BidWithdrawn';
  readonly data: {
    readonly bidId: string;
    readonly callId: string;
    readonly previousStatus: 'submitted' | 'admissible' | 'inadmissible' | 'passed-over';
    readonly withdrawnAt: Instant;
  };
};

export type BidEvaluated = {
  readonly type: 'BidEvaluated';
  readonly data: {
    readonly bidId: string;
    readonly callId: string;
    readonly admissible: boolean;
    /** 0-100 for an admissible bid; null for an inadmissible one. */
    readonly score: number | null;
    /** v2: the evaluator: who may then never verify the grant's expenditure (separation of duties). */
    readonly evaluatedBy: string;
    readonly evaluatedAt: Instant;
  };
};

export type BidAwarded = {
  readonly type: 'BidAwarded';
  readonly data: {
    readonly bidId: string;
    readonly callId: string;
    readonly grantId: string;
    readonly amountCents: Cents;
    readonly awardedAt: Instant;
  };
};

/** The bid's place in its call's approved ranking (written with RankingApproved, on every ranked bid). */
export type BidRanked = {
  readonly type: 'BidRanked';
  readonly data: {
    readonly bidId: string;
    readonly callId: string;
    readonly rank: number;
    readonly score: number;
    readonly act: AdministrativeAct;
    readonly rankedAt: Instant;
  };
};

export const PASS_OVER_REASONS = ['insufficient-funds', 'declined', 'requirements-lost'] as const;
/**
 * Why a ranked bid is passed over: the call's money does not reach it (it may come back to it: see
 * `waitingLine`), the applicant declined, or it lost a requirement of the call (both for good).
 */
export type PassOverReason = (typeof PASS_OVER_REASONS)[number];

/** A ranked bid passed over by an act, with its reason (written with RankedBidPassedOver on the call). */
export type BidPassedOver = {
  readonly type: 'BidPassedOver';
  readonly data: {
    readonly bidId: string;
    readonly callId: string;
    readonly reason: PassOverReason;
    readonly act: AdministrativeAct;
    readonly passedOverAt: Instant;
  };
};

export type BidEvent = BidSubmitted | BidWithdrawn | BidEvaluated | BidAwarded | BidRanked | BidPassedOver;
