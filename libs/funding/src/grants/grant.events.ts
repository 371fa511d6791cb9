import type { Cents } from '../money.js';
import type { Applicant, DisbursementKind, Fund, Instant } from '../funding.types.js';

export type GrantAwarded = {
  readonly type: 'GrantAwarded';
  readonly data: {
    readonly grantId: string;
    readonly callId: string;
    readonly bidId: string;
    readonly programmeId: string;
    readonly measureId: string;
    readonly fund: Fund;
    readonly beneficiary: Applicant;
    readonly projectTitle: string;
    readonly amountCents: Cents;
    readonly awardedAt: Instant;
  };
};

export type DisbursementRecorded = {
  readonly type: 'DisbursementRecorded';
  readonly data: {
    readonly grantId: string;
    readonly callId: string;
    readonly disbursementId: string;
    readonly kind: DisbursementKind;
    readonly amountCents: Cents;
    /** The payment order or bank reference, when the finance office gives one. */
    readonly reference: string | null;
    readonly paidAt: Instant;
  };
};

/** The final payment ("saldo") was made; what the grant did not use returns to the call. */
export type GrantCompleted = {
  readonly type: 'GrantCompleted';
  readonly data: {
    readonly grantId: string;
    readonly callId: string;
    readonly paidCents: Cents;
    readonly releasedCents: Cents;
    readonly completedAt: Instant;
  };
};

/** A revocation ("revoca"), whole or partial. */
export type GrantRevoked = {
  readonly type: 'GrantRevoked';
  readonly data: {
    readonly grantId: string;
    readonly callId: string;
    readonly reason: string;
    readonly whole: boolean;
    readonly revokedCents: Cents;
    readonly awardAfterCents: Cents;
    /** Budget handed back to the call by this revocation (its undisbursed part). */
    readonly releasedCents: Cents;
    /** Money paid beyond the reduced award, to be recovered ("recupero"): paid − reduced award, when positive. */
    readonly recoveryDueCents: Cents;
    readonly revokedAt: Instant;
  };
};

export type GrantEvent = GrantAwarded | DisbursementRecorded | GrantCompleted | GrantRevoked;
