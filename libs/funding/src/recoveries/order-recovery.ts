import { checkedAct, type AdministrativeAct } from '../acts/administrative-act.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { GRANT, requireGrant, type Grant } from '../grants/grant.js';
import { grantPlace } from '../grants/grant-place.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { grantStream } from '../streams.js';
import { assertText } from '../text.js';
import { assertDate } from './recovery-rules.js';

export type OrderRecovery = {
  readonly type: 'OrderRecovery';
  readonly grantId: string;
  readonly orderId: string;
  readonly amountCents: Cents;
  readonly interestRateBp: number;
  readonly dueDate: string;
  readonly reference: string;
  /** The act ordering the recovery ("determinazione di recupero"). */
  readonly act: AdministrativeAct;
};

/**
 * The managing authority orders money due back (after a revocation, or a final verification that
 * entitles the grant to less than it was paid): RecoveryOrdered. Each euro due is ordered once;
 * what was written off is no longer ordered.
 */
export const orderRecovery: CommandPlan<OrderRecovery, { grant: Grant }> = {
  reads: (command) => ({ grant: reading(GRANT, grantStream(command.grantId)) }),
  about: 'grant',
  decide(command, state, now) {
    const grant = requireGrant(state.grant, command.grantId);
    if (grant.recoveryRecordIds.includes(command.orderId))
      refuse('RECOVERY_ALREADY_RECORDED', `Recovery record ${command.orderId} already exists`);
    assertPositiveCents(command.amountCents, 'recovery amount');
    if (!Number.isInteger(command.interestRateBp) || command.interestRateBp < 0 || command.interestRateBp > 5_000) {
      refuse('INVALID_INPUT', 'interestRateBp is a whole number of basis points from 0 to 5000');
    }
    assertDate(command.dueDate, 'dueDate');
    assertText(command.reference, 'recovery order reference', 200);
    const act = checkedAct(command.act, now, 'recovery order');
    const orderable = grant.recoveryDueCents - grant.writtenOffCents - grant.recoveryOrderedCents;
    if (command.amountCents > orderable) {
      refuse(
        'RECOVERY_EXCEEDS_DUE',
        `Grant ${grant.grantId} has ${Math.max(0, orderable)} cents due and not yet ordered; the order asks for ${command.amountCents}`,
        { orderableCents: Math.max(0, orderable) },
      );
    }
    return [
      {
        type: 'RecoveryOrdered',
        data: {
          ...grantPlace(grant),
          orderId: command.orderId,
          amountCents: command.amountCents,
          interestRateBp: command.interestRateBp,
          dueDate: command.dueDate,
          reference: command.reference,
          act,
          orderedAt: instant(now),
        },
      },
    ];
  },
};
