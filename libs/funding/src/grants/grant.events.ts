import type { Cents } from '../money.js';
import type { Applicant, DisbursementKind, Fund, Instant } from '../funding.types.js';

/**
 * v2: with the principal that submitted the bid, which alone may act for the beneficiary.
 * v3: the beneficiary a legal or a natural person (as BidSubmitted v3), and `sensitive`.
 */
export type GrantAwarded = {
  readonly type: 'GrantAwarded';
  readonly data: {
    readonly grantId: string;
    readonly callId: string;
    readonly bidId: string;
    readonly submittedBy: string;
    readonly programmeId: string;
    readonly measureId: string;
    readonly fund: Fund;
    readonly beneficiary: Applicant;
    readonly sensitive: boolean;
    readonly projectTitle: string;
    readonly amountCents: Cents;
    readonly awardedAt: Instant;
  };
};

/**
 * The events after the award carry the grant's programme and measure (v2), so that a total per
 * programme or measure is a fold of the events alone.
 */
interface GrantPlace {
  readonly grantId: string;
  readonly callId: string;
  readonly programmeId: string;
  readonly measureId: string;
}

/** v2: with the grant's programme and measure. */
export type DisbursementRecorded = {
  readonly type: 'DisbursementRecorded';
  readonly data: GrantPlace & {
    readonly disbursementId: string;
    readonly kind: DisbursementKind;
    readonly amountCents: Cents;
    /** The payment order or bank reference, when the finance office gives one. */
    readonly reference: string | null;
    readonly paidAt: Instant;
  };
};

/** The final payment ("saldo") was made; what the grant did not use returns to the call. v2: with programme and measure. */
export type GrantCompleted = {
  readonly type: 'GrantCompleted';
  readonly data: GrantPlace & {
    readonly paidCents: Cents;
    readonly releasedCents: Cents;
    readonly completedAt: Instant;
  };
};

/** A revocation ("revoca"), whole or partial. v2: with programme and measure, and what it adds to the recovery due. */
export type GrantRevoked = {
  readonly type: 'GrantRevoked';
  readonly data: GrantPlace & {
    readonly reason: string;
    readonly whole: boolean;
    readonly revokedCents: Cents;
    readonly awardAfterCents: Cents;
    /** Budget handed back to the call by this revocation (its undisbursed part). */
    readonly releasedCents: Cents;
    /** Money paid beyond the reduced award, to be recovered ("recupero"): paid − reduced award, when positive. */
    readonly recoveryDueCents: Cents;
    /** How much this revocation raised the recovery due (recoveryDueCents after it, minus before). */
    readonly recoveryDueAddedCents: Cents;
    readonly revokedAt: Instant;
  };
};

export type GrantEvent = GrantAwarded | DisbursementRecorded | GrantCompleted | GrantRevoked;
