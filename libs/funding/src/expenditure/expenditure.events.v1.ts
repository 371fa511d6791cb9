import type { Cents } from '../money.js';
import type { Instant } from '../funding.types.js';
import type { GrantPlace } from '../grants/grant.events.js';
import type { ClaimKind } from './expenditure.events.js';

/** v1 of a claim item: without the day it was paid and its document (upcast with both null). */
export interface ClaimItemV1 {
  readonly description: string;
  readonly category: string;
  readonly amountCents: Cents;
  readonly documentRef: string;
}

/** ExpenditureClaimSubmitted v1, as stored before items carried their payment date and document. */
export type ExpenditureClaimSubmittedV1 = {
  readonly type: 'ExpenditureClaimSubmitted';
  readonly data: GrantPlace & {
    readonly claimId: string;
    readonly kind: ClaimKind;
    readonly items: readonly ClaimItemV1[];
    readonly declaredCents: Cents;
    readonly submittedBy: string;
    readonly submittedAt: Instant;
  };
};
