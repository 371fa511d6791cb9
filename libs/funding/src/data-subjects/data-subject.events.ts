import type { Instant } from '../funding.types.js';
import type { GrantPlace } from '../grants/grant.events.js';

/**
 * A natural person's identity was destroyed in the personal-data vault (GDPR art. 17): who did it
 * is in the metadata; the reason is the data-protection officer's, and holds no personal data.
 */
export type DataSubjectErased = {
  readonly type: 'DataSubjectErased';
  readonly data: {
    readonly subjectId: string;
    readonly reason: string;
    readonly erasedAt: Instant;
  };
};

/**
 * The beneficiary of a grant was erased: recorded on the grant's stream by the erasure itself, in
 * the same append as DataSubjectErased. The erasure was decided on the grant's stream (its
 * payments, recoveries, aid), so it is appended at the revision it read: a payment or a recovery
 * order recorded meanwhile makes the erasure decide again (docs/adr/0009).
 */
export type GrantBeneficiaryErased = {
  readonly type: 'GrantBeneficiaryErased';
  readonly data: GrantPlace & {
    readonly subjectId: string;
    readonly erasedAt: Instant;
  };
};

export type DataSubjectEvent = DataSubjectErased;
