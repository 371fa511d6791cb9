import { checkedAct, type AdministrativeAct } from '../acts/administrative-act.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { instant } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { grantStream } from '../streams.js';
import { assertText } from '../text.js';
import { GRANT, heldCents, recoveryDueTotalCents, requireGrant, type Grant } from './grant.js';
import { budgetReleasedToCall, grantPlace } from './grant-place.js';

export type RevokeGrant = {
  readonly type: 'RevokeGrant';
  readonly grantId: string;
  readonly reason: string;
  /** Absent: the whole grant. */
  readonly amountCents?: Cents | null;
  /** Under an aid regime: the RNA's COVAR of the change. */
  readonly covar?: string | null;
  /** The revocation act. */
  readonly act: AdministrativeAct;
};

/**
 * A revocation ("revoca"), whole or partial: GrantRevoked reduces the award; the budget the grant no
 * longer holds goes back to the call once (CallBudgetReleased), and what was paid beyond what the
 * grant is now entitled to becomes due for recovery (invariant 6).
 */
export const revokeGrant: CommandPlan<RevokeGrant, { grant: Grant }> = {
  reads: (command) => ({ grant: reading(GRANT, grantStream(command.grantId)) }),
  about: 'grant',
  decide(command, state, now) {
    const grant = requireGrant(state.grant, command.grantId);
    if (grant.status === 'revoked') refuse('GRANT_ALREADY_REVOKED', `Grant ${grant.grantId} is already revoked`);
    assertText(command.reason, 'revocation reason');
    const covar = command.covar ?? null;
    if (grant.aidRegime !== 'none' && covar === null)
      refuse('COVAR_REQUIRED', 'A revocation of aid records the COVAR of its change in the Registro Nazionale Aiuti');
    if (covar !== null) assertText(covar, 'COVAR', 32);
    const act = checkedAct(command.act, now, 'revocation');
    const requested = command.amountCents ?? null;
    if (requested !== null) {
      assertPositiveCents(requested, 'revoked amount');
      if (requested > grant.currentAwardCents) {
        refuse('REVOCATION_EXCEEDS_AWARD', `Grant ${grant.grantId} has an award of ${grant.currentAwardCents} cents`);
      }
    }
    const revokedCents = requested ?? grant.currentAwardCents;
    const whole = revokedCents === grant.currentAwardCents;
    const awardAfterCents = grant.currentAwardCents - revokedCents;
    const after = { ...grant, status: whole ? ('revoked' as const) : grant.status, currentAwardCents: awardAfterCents };
    const releasedCents = heldCents(grant) - heldCents(after);
    const recoveryDueCents = recoveryDueTotalCents(after);
    const at = instant(now);
    const events: FundingEvent[] = [
      {
        type: 'GrantRevoked',
        data: {
          ...grantPlace(grant),
          reason: command.reason,
          covar,
          whole,
          revokedCents,
          awardAfterCents,
          releasedCents,
          recoveryDueCents,
          recoveryDueAddedCents: recoveryDueCents - grant.recoveryDueCents,
          act,
          revokedAt: at,
        },
      },
    ];
    return [...events, ...budgetReleasedToCall(grant, releasedCents, 'revocation', at)];
  },
};
