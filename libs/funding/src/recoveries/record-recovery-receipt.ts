import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { instant } from '../funding.types.js';
import { GRANT, heldCents, outstandingRecoveryCents, requireGrant, type Grant } from '../grants/grant.js';
import { budgetReleasedToCall, grantPlace } from '../grants/grant-place.js';
import { MAX_AMOUNT_CENTS, type Cents } from '../money.js';
import { grantStream } from '../streams.js';
import { assertText } from '../text.js';
import { assertDate } from './recovery-rules.js';

export type RecordRecoveryReceipt = {
  readonly type: 'RecordRecoveryReceipt';
  readonly grantId: string;
  readonly receiptId: string;
  /** Principal received. */
  readonly amountCents: Cents;
  readonly interestCents: Cents;
  /** The value date, YYYY-MM-DD. */
  readonly receivedAt: string;
  readonly reference: string;
};

/**
 * Money ordered back was received: RecoveryReceived. Never more principal than was ordered and is
 * still outstanding. The principal is budget the grant no longer holds: it goes back to the call
 * (CallBudgetReleased), so to its measure's and fund's available money; interest is shown apart.
 */
export const recordRecoveryReceipt: CommandPlan<RecordRecoveryReceipt, { grant: Grant }> = {
  reads: (command) => ({ grant: reading(GRANT, grantStream(command.grantId)) }),
  about: 'grant',
  decide(command, state, now) {
    const grant = requireGrant(state.grant, command.grantId);
    if (grant.recoveryRecordIds.includes(command.receiptId))
      refuse('RECOVERY_ALREADY_RECORDED', `Recovery record ${command.receiptId} already exists`);
    for (const [what, cents] of [
      ['principal', command.amountCents],
      ['interest', command.interestCents],
    ] as const) {
      if (!Number.isSafeInteger(cents) || cents < 0 || cents > MAX_AMOUNT_CENTS)
        refuse(
          'INVALID_AMOUNT',
          `The ${what} received must be a non-negative integer number of cents, at most ${MAX_AMOUNT_CENTS}`,
        );
    }
    if (command.amountCents + command.interestCents === 0)
      refuse('INVALID_AMOUNT', 'A receipt brings back principal, interest or both');
    assertDate(command.receivedAt, 'receivedAt');
    if (command.receivedAt > instant(now).slice(0, 10)) refuse('INVALID_INPUT', 'receivedAt cannot be after today');
    assertText(command.reference, 'receipt reference', 200);
    const awaited = grant.recoveryOrderedCents - grant.recoveredCents;
    if (command.amountCents > awaited) {
      refuse(
        'RECEIPT_EXCEEDS_ORDERED',
        `Grant ${grant.grantId} awaits ${Math.max(0, awaited)} cents of principal ordered back; the receipt records ${command.amountCents}`,
      );
    }
    const outstanding = outstandingRecoveryCents(grant);
    if (command.amountCents > outstanding) {
      refuse(
        'RECEIPT_EXCEEDS_OUTSTANDING',
        `Grant ${grant.grantId} has ${Math.max(0, outstanding)} cents outstanding; the receipt records ${command.amountCents}`,
      );
    }
    const releasedCents =
      heldCents(grant) - heldCents({ ...grant, recoveredCents: grant.recoveredCents + command.amountCents });
    const at = instant(now);
    const events: FundingEvent[] = [
      {
        type: 'RecoveryReceived',
        data: {
          ...grantPlace(grant),
          receiptId: command.receiptId,
          amountCents: command.amountCents,
          interestCents: command.interestCents,
          receivedAt: command.receivedAt,
          reference: command.reference,
          releasedCents,
          recordedAt: at,
        },
      },
    ];
    return [...events, ...budgetReleasedToCall(grant, releasedCents, 'recovery', at)];
  },
};
