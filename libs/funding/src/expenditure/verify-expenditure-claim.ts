import { BID, type Bid } from '../bids/bid.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import {
  GRANT,
  heldCents,
  recoveryDueTotalCents,
  requireGrant,
  verifiedEligibleCents,
  type Grant,
} from '../grants/grant.js';
import { budgetReleasedToCall, grantPlace } from '../grants/grant-place.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { bidStream, claimStream, grantStream } from '../streams.js';
import { assertText } from '../text.js';
import { CLAIM, requireClaimGrant, type Claim } from './claim.js';
import type { ClaimCut } from './expenditure.events.js';
import type { FundingEvent } from '../funding.events.js';

export type VerifyExpenditureClaim = {
  readonly type: 'VerifyExpenditureClaim';
  readonly claimId: string;
  readonly eligibleCents: Cents;
  readonly cuts: readonly ClaimCut[];
  readonly checklistRef: string;
  readonly onTheSpot: boolean;
  /** The controller's principal, from the API key. */
  readonly verifiedBy: string;
};

/**
 * First-level control verifies a submitted claim once (management verifications): eligible + cuts =
 * declared, per item and in total; verified eligible expenditure never beyond the operation's total
 * eligible cost; never by the evaluator of the grant's bid; the final claim last. ExpenditureClaimVerified on the grant; a
 * final claim also fixes the grant's entitlement: what it stops holding goes back to the call
 * (CallBudgetReleased) and what was paid beyond it becomes due for recovery.
 */
export const verifyExpenditureClaim: CommandPlan<VerifyExpenditureClaim, { claim: Claim; grant?: Grant; bid?: Bid }> = {
  reads: (command) => ({ claim: reading(CLAIM, claimStream(command.claimId)) }),
  // The claim names its grant; the grant names the bid whose evaluator may not verify it.
  alsoReads(_command, state) {
    const grantId = state.claim.grantId;
    if (grantId === null) return {};
    const grant = state.grant;
    return {
      grant: reading(GRANT, grantStream(grantId)),
      ...(grant && grant.status !== 'none' ? { bid: reading(BID, bidStream(grant.bidId)) } : {}),
    };
  },
  about: 'grant',
  serializeOn: 'claim',
  decide(command, state, now) {
    const grant = requireGrant(state.grant ?? { status: 'none' }, requireClaimGrant(state.claim, command.claimId));
    const claim = grant.claims.find((c) => c.claimId === command.claimId);
    if (!claim) refuse('CLAIM_NOT_FOUND', `Expenditure claim ${command.claimId} does not exist`);
    if (claim.status === 'verified') refuse('CLAIM_ALREADY_VERIFIED', `Claim ${claim.claimId} is already verified`);
    if (grant.status !== 'active')
      refuse('GRANT_NOT_ACTIVE', `Grant ${grant.grantId} is ${grant.status}; its claims are no longer verified`);
    // The final claim's verification fixes what the grant is entitled to: every other claim is verified before it.
    const pending = grant.claims.filter((c) => c.status === 'submitted' && c.claimId !== claim.claimId);
    if (claim.kind === 'final' && pending.length > 0)
      refuse(
        'EARLIER_CLAIMS_PENDING',
        `Verify claims ${pending.map((c) => c.claimId).join(', ')} before the final claim ${claim.claimId}`,
      );
    const bid = state.bid;
    if (bid && bid.status !== 'none' && bid.evaluatedBy === command.verifiedBy) {
      refuse(
        'SEPARATION_OF_DUTIES',
        `${command.verifiedBy} evaluated bid ${grant.bidId} and cannot verify its grant's expenditure`,
      );
    }
    assertText(command.checklistRef, 'checklist reference', 200);
    if (typeof command.onTheSpot !== 'boolean') refuse('INVALID_INPUT', 'onTheSpot is true or false');
    if (!Number.isSafeInteger(command.eligibleCents) || command.eligibleCents < 0)
      refuse('INVALID_AMOUNT', 'eligibleCents must be a non-negative integer number of cents');
    if (!Array.isArray(command.cuts) || command.cuts.length > claim.itemCents.length * 10)
      refuse('INVALID_INPUT', 'cuts must be a list, at most ten per item');
    const cutOnItem = claim.itemCents.map(() => 0);
    const cuts = command.cuts.map((cut, i): ClaimCut => {
      if (!Number.isInteger(cut.item) || cut.item < 0 || cut.item >= claim.itemCents.length) {
        refuse(
          'INVALID_INPUT',
          `cut ${i} names item ${String(cut.item)}; the claim's items are numbered 0 to ${claim.itemCents.length - 1}`,
        );
      }
      assertPositiveCents(cut.amountCents, `cut ${i} amount`);
      assertText(cut.reason, `cut ${i} reason`);
      cutOnItem[cut.item] = cutOnItem[cut.item]! + cut.amountCents;
      return { item: cut.item, amountCents: cut.amountCents, reason: cut.reason };
    });
    const over = cutOnItem.findIndex((cut, item) => cut > claim.itemCents[item]!);
    if (over >= 0)
      refuse(
        'CUTS_EXCEED_ITEM',
        `The cuts on item ${over} come to ${cutOnItem[over]} cents; it declared ${claim.itemCents[over]}`,
      );
    const cutCents = cutOnItem.reduce((a, b) => a + b, 0);
    if (command.eligibleCents + cutCents !== claim.declaredCents) {
      refuse(
        'VERIFICATION_DOES_NOT_ADD_UP',
        `eligible ${command.eligibleCents} + cuts ${cutCents} ≠ declared ${claim.declaredCents} cents`,
      );
    }
    const verifiedBefore = verifiedEligibleCents(grant);
    if (verifiedBefore + command.eligibleCents > grant.totalEligibleCostCents) {
      refuse(
        'ELIGIBLE_EXCEEDS_OPERATION_COST',
        `Verified eligible expenditure would reach ${verifiedBefore + command.eligibleCents} cents, beyond the operation's total eligible cost of ${grant.totalEligibleCostCents}: cut the excess`,
      );
    }
    const after = {
      ...grant,
      claims: grant.claims.map((c) =>
        c.claimId === claim.claimId
          ? { ...c, status: 'verified' as const, eligibleCents: command.eligibleCents, verifiedBy: command.verifiedBy }
          : c,
      ),
    };
    const releasedCents = heldCents(grant) - heldCents(after);
    const recoveryDueCents = Math.max(grant.recoveryDueCents, recoveryDueTotalCents(after));
    const at = instant(now);
    const place = grantPlace(grant);
    const events: FundingEvent[] = [
      {
        type: 'ExpenditureClaimVerified',
        data: {
          ...place,
          claimId: claim.claimId,
          kind: claim.kind,
          declaredCents: claim.declaredCents,
          eligibleCents: command.eligibleCents,
          cutCents,
          cuts,
          checklistRef: command.checklistRef,
          onTheSpot: command.onTheSpot,
          verifiedBy: command.verifiedBy,
          releasedCents,
          recoveryDueCents,
          recoveryDueAddedCents: recoveryDueCents - grant.recoveryDueCents,
          verifiedAt: at,
        },
      },
    ];
    return [...events, ...budgetReleasedToCall(grant, releasedCents, 'verification', at)];
  },
};
