import type { Evolving } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever } from '../funding.types.js';
import type { ClaimEvent } from './expenditure.events.js';

/** A claim id's own stream: which grant's claim holds it, if any. The claim itself lives on the grant's stream. */
export type Claim = { readonly grantId: string | null };

export const CLAIM: Evolving<Claim, ClaimEvent> = {
  initialState: () => ({ grantId: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'ExpenditureClaimFiled':
        return { grantId: event.data.grantId };
      default:
        return assertNever(event.type);
    }
  },
};

/** The grant a claim id belongs to, or CLAIM_NOT_FOUND. */
export function requireClaimGrant(claim: Claim, claimId: string): string {
  if (claim.grantId === null) refuse('CLAIM_NOT_FOUND', `Expenditure claim ${claimId} does not exist`);
  return claim.grantId;
}
