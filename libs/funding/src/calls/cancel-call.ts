import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { callStream } from '../streams.js';
import { assertText } from '../text.js';
import { CALL, requireCall, type Call } from './call.js';

export type CancelCall = { readonly type: 'CancelCall'; readonly callId: string; readonly reason?: string | null };

/**
 * Cancels a call that awarded nothing and hands its reservation back to the measure: CallCancelled
 * on the call, MeasureReservationReleased on the programme, in one atomic append. The call's own
 * stream proves the reservation (its budget) is still held and is released once; the programme is
 * written, not read.
 */
export const cancelCall: CommandPlan<CancelCall, { call: Call }> = {
  reads: (command) => ({ call: reading(CALL, callStream(command.callId)) }),
  about: 'call',
  decide(command, state, now) {
    const call = requireCall(state.call, command.callId);
    if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${command.callId} is already cancelled`);
    if (call.grantCount > 0)
      refuse('CALL_HAS_GRANTS', `Call ${command.callId} has awarded grants; revoke them instead of cancelling`);
    const reason = command.reason ?? null;
    if (reason !== null) assertText(reason, 'cancellation reason');
    const at = instant(now);
    return [
      {
        type: 'CallCancelled',
        data: { callId: call.callId, reason, releasedCents: call.budgetCents, cancelledAt: at },
      },
      {
        type: 'MeasureReservationReleased',
        data: {
          programmeId: call.programmeId,
          measureId: call.measureId,
          callId: call.callId,
          amountCents: call.budgetCents,
          releasedAt: at,
        },
      },
    ];
  },
};
