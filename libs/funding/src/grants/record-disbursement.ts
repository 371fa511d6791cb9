import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { DISBURSEMENT_KINDS, instant, type DisbursementKind } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { grantStream } from '../streams.js';
import { DAY_FORMAT, assertText } from '../text.js';
import {
  GRANT,
  coveredCents,
  entitlementCents,
  heldCents,
  netPaidCents,
  payableCents,
  remainingAwardCents,
  requireGrant,
  type ExistingGrant,
  type Grant,
  type GrantClaim,
} from './grant.js';
import { budgetReleasedToCall, grantPlace } from './grant-place.js';

export type RecordDisbursement = {
  readonly type: 'RecordDisbursement';
  readonly grantId: string;
  readonly disbursementId: string;
  readonly kind: DisbursementKind;
  readonly amountCents: Cents;
  /** The verified claim an interim or final payment settles; none for an advance. */
  readonly claimId?: string | null;
  /** The finance officer's principal, from the API key. */
  readonly paidBy: string;
  readonly reference?: string | null;
  /** Under an aid regime: the Deggendorf visura consulted before paying (no unrecovered illegal aid). */
  readonly deggendorfVisuraRef?: string | null;
  /** A final payment: the operation's actual end date, YYYY-MM-DD (default: the payment's date). */
  readonly actualEndDate?: string | null;
};

/**
 * A payment on an active grant (invariants 5, 12): an advance on the award alone, up to the call's
 * advance share; an interim payment on a verified interim claim; the final one ("saldo") on the
 * verified final claim, which also completes the grant (GrantCompleted) and hands back to the call
 * what it no longer holds (CallBudgetReleased, on the call's stream, written without reading it: the
 * grant's own stream proves the release happens once). Never beyond what verified expenditure
 * allows, and never by the principal who verified the claim.
 */
export const recordDisbursement: CommandPlan<RecordDisbursement, { grant: Grant }> = {
  reads: (command) => ({ grant: reading(GRANT, grantStream(command.grantId)) }),
  about: 'grant',
  decide(command, state, now) {
    const grant = requireGrant(state.grant, command.grantId);
    if (grant.status !== 'active')
      refuse('GRANT_NOT_ACTIVE', `Grant ${grant.grantId} is ${grant.status}; nothing more is paid`);
    if (!DISBURSEMENT_KINDS.includes(command.kind))
      refuse('INVALID_INPUT', `Unknown disbursement kind ${String(command.kind)}`);
    if (grant.disbursementIds.includes(command.disbursementId)) {
      refuse('DISBURSEMENT_ALREADY_RECORDED', `Disbursement ${command.disbursementId} is already recorded`);
    }
    // A final payment may be zero: it closes a grant whose tranches already paid everything due.
    if (!(command.kind === 'final' && command.amountCents === 0))
      assertPositiveCents(command.amountCents, 'disbursement amount');
    const reference = command.reference ?? null;
    if (reference !== null) assertText(reference, 'payment reference', 200);
    const deggendorfVisuraRef = command.deggendorfVisuraRef ?? null;
    if (grant.aidRegime !== 'none' && deggendorfVisuraRef === null) {
      refuse('DEGGENDORF_VISURA_REQUIRED', 'Every payment of aid cites the Deggendorf visura consulted before it');
    }
    if (deggendorfVisuraRef !== null) assertText(deggendorfVisuraRef, 'Deggendorf visura reference', 64);
    const actualEndDate = command.actualEndDate ?? instant(now).slice(0, 10);
    if (!DAY_FORMAT.test(actualEndDate) || Number.isNaN(Date.parse(actualEndDate)))
      refuse('INVALID_INPUT', 'actualEndDate must be a date YYYY-MM-DD');
    const netAfter = netPaidCents(grant) + command.amountCents;
    // A final payment of nothing completes a grant even when it owes money back.
    if (command.amountCents > 0 && netAfter > grant.currentAwardCents) {
      refuse(
        'DISBURSEMENT_EXCEEDS_GRANT',
        `Grant ${grant.grantId} can pay ${remainingAwardCents(grant)} cents more, disbursement asks for ${command.amountCents}`,
      );
    }
    const claimId = command.kind === 'advance' ? null : settledClaim(command, grant).claimId;
    if (command.kind === 'advance') {
      if (command.claimId != null) refuse('INVALID_INPUT', 'An advance is paid on the award alone: it names no claim');
      const share = Math.floor((grant.currentAwardCents * grant.advanceShareBp) / 10_000);
      if (grant.advancePaidCents + command.amountCents > share) {
        refuse(
          'ADVANCE_EXCEEDS_SHARE',
          `Grant ${grant.grantId} may be paid ${Math.max(0, share - grant.advancePaidCents)} cents more in advance (${grant.advanceShareBp / 100}% of its award)`,
          {
            payableCents: Math.max(0, share - grant.advancePaidCents),
          },
        );
      }
    }
    // An advance is bounded by the award until the final claim fixes the entitlement; a claim's payment by verified expenditure.
    const payable = command.kind === 'advance' ? entitlementCents(grant) : payableCents(grant);
    if (command.amountCents > 0 && netAfter > payable) {
      const left = Math.max(0, payable - netPaidCents(grant));
      refuse(
        'PAYMENT_EXCEEDS_VERIFIED',
        `Grant ${grant.grantId} can pay ${left} cents more on the expenditure verified so far, disbursement asks for ${command.amountCents}`,
        { payableCents: left },
      );
    }
    const at = instant(now);
    const place = grantPlace(grant);
    const events: FundingEvent[] = [
      {
        type: 'DisbursementRecorded',
        data: {
          ...place,
          disbursementId: command.disbursementId,
          kind: command.kind,
          claimId,
          paidBy: command.paidBy,
          amountCents: command.amountCents,
          reference,
          deggendorfVisuraRef,
          paidAt: at,
        },
      },
    ];
    if (command.kind !== 'final') return events;
    const paidAfter = grant.paidCents + command.amountCents;
    const releasedCents = heldCents(grant) - netAfter;
    events.push({
      type: 'GrantCompleted',
      data: { ...place, actualEndDate, paidCents: paidAfter, releasedCents, completedAt: at },
    });
    return [...events, ...budgetReleasedToCall(grant, releasedCents, 'completion', at)];
  },
};

/** The verified claim an interim or final payment settles, and what it still allows. */
function settledClaim(command: RecordDisbursement, grant: ExistingGrant): GrantClaim {
  const claimId = command.claimId ?? null;
  if (claimId === null)
    refuse('CLAIM_REQUIRED', `An ${command.kind} payment settles a verified expenditure claim: name its claimId`);
  const claim = grant.claims.find((c) => c.claimId === claimId);
  if (!claim) refuse('CLAIM_NOT_FOUND', `Grant ${grant.grantId} has no expenditure claim ${claimId}`);
  if (claim.kind !== command.kind) {
    refuse(
      command.kind === 'final' ? 'FINAL_CLAIM_REQUIRED' : 'CLAIM_KIND_MISMATCH',
      `Claim ${claimId} is ${claim.kind === 'final' ? 'a final' : 'an interim'} claim; an ${command.kind} payment settles ${command.kind === 'final' ? 'the final' : 'an interim'} one`,
    );
  }
  if (claim.status !== 'verified')
    refuse('CLAIM_NOT_VERIFIED', `Claim ${claimId} has not been verified; only verified expenditure is paid`);
  if (claim.verifiedBy === command.paidBy)
    refuse('SEPARATION_OF_DUTIES', `${command.paidBy} verified claim ${claimId} and cannot pay it`);
  if (claim.kind === 'interim') {
    const left = coveredCents(grant, claim.eligibleCents) - claim.paidCents;
    if (command.amountCents > left) {
      refuse(
        'PAYMENT_EXCEEDS_VERIFIED',
        `Claim ${claimId} allows ${Math.max(0, left)} cents more (the funding rate times its eligible expenditure), payment asks for ${command.amountCents}`,
        { payableCents: Math.max(0, left) },
      );
    }
  }
  return claim;
}
