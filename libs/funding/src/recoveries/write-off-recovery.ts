import { checkedAct, type AdministrativeAct } from '../acts/administrative-act.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { GRANT, outstandingRecoveryCents, requireGrant, type Grant } from '../grants/grant.js';
import { grantPlace } from '../grants/grant-place.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { grantStream } from '../streams.js';
import { assertText } from '../text.js';

export type WriteOffRecovery = {
  readonly type: 'WriteOffRecovery';
  readonly grantId: string;
  /** Absent: everything outstanding. */
  readonly amountCents?: Cents | null;
  readonly reason: string;
  /** The act that declares the amount irrecoverable. */
  readonly act: AdministrativeAct;
};

/**
 * What is due, was ordered back and cannot be recovered is written off, with its reason:
 * RecoveryWrittenOff. It stays spent. Refused while no recovery was ordered on the grant
 * (NO_RECOVERY_ORDERED): an irrecoverable amount is one the authority tried to recover.
 */
export const writeOffRecovery: CommandPlan<WriteOffRecovery, { grant: Grant }> = {
  reads: (command) => ({ grant: reading(GRANT, grantStream(command.grantId)) }),
  about: 'grant',
  decide(command, state, now) {
    const grant = requireGrant(state.grant, command.grantId);
    // Money is written off as irrecoverable only once its recovery was ordered and failed, never in place of the order.
    if (grant.recoveryOrderedCents === 0)
      refuse(
        'NO_RECOVERY_ORDERED',
        `Grant ${grant.grantId} has no recovery ordered: order it before writing anything off`,
      );
    assertText(command.reason, 'write-off reason');
    const act = checkedAct(command.act, now, 'write-off');
    const outstanding = outstandingRecoveryCents(grant);
    if (outstanding <= 0) refuse('NOTHING_TO_RECOVER', `Grant ${grant.grantId} has nothing outstanding to recover`);
    const amountCents = command.amountCents ?? outstanding;
    assertPositiveCents(amountCents, 'written-off amount');
    if (amountCents > outstanding)
      refuse(
        'WRITE_OFF_EXCEEDS_OUTSTANDING',
        `Grant ${grant.grantId} has ${outstanding} cents outstanding; the write-off asks for ${amountCents}`,
      );
    return [
      {
        type: 'RecoveryWrittenOff',
        data: { ...grantPlace(grant), amountCents, reason: command.reason, act, writtenOffAt: instant(now) },
      },
    ];
  },
};
