import type { Cents } from '../money.js';
import type { DisbursementKind, Instant } from '../funding.types.js';

/** The grant events as written before v2: without the grant's programme and measure. */
export type DisbursementRecordedV1 = {
  readonly type: 'DisbursementRecorded';
  readonly data: {
    readonly grantId: string;
    readonly callId: string;
    readonly disbursementId: string;
    readonly kind: DisbursementKind;
    readonly amountCents: Cents;
    readonly reference: string | null;
    readonly paidAt: Instant;
  };
};

export type GrantCompletedV1 = {
  readonly type: 'GrantCompleted';
  readonly data: { readonly grantId: string; readonly callId: string; readonly paidCents: Cents; readonly releasedCents: Cents; readonly completedAt: Instant };
};

/** v1 also lacked recoveryDueAddedCents. */
export type GrantRevokedV1 = {
  readonly type: 'GrantRevoked';
  readonly data: {
    readonly grantId: string;
    readonly callId: string;
    readonly reason: string;
    readonly whole: boolean;
    readonly revokedCents: Cents;
    readonly awardAfterCents: Cents;
    readonly releasedCents: Cents;
    readonly recoveryDueCents: Cents;
    readonly revokedAt: Instant;
  };
};

/** GrantAwarded as written before v2: without the principal that submitted the bid. */
export type GrantAwardedV1 = {
  readonly type: 'GrantAwarded';
  readonly data: Omit<import('./grant.events.js').GrantAwarded['data'], 'submittedBy'>;
};
