import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { callStream } from '../streams.js';
import { CALL, requireCall, type Call } from './call.js';

export type CloseCall = { readonly type: 'CloseCall'; readonly callId: string };

/** Closes a call to bids before its window ends. Event: CallClosed. */
export const closeCall: CommandPlan<CloseCall, { call: Call }> = {
  reads: (command) => ({ call: reading(CALL, callStream(command.callId)) }),
  about: 'call',
  decide(command, state, now) {
    const call = requireCall(state.call, command.callId);
    if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${command.callId} was cancelled`);
    if (call.status === 'closed') refuse('CALL_ALREADY_CLOSED', `Call ${command.callId} is already closed`);
    return [{ type: 'CallClosed', data: { callId: command.callId, closedAt: instant(now) } }];
  },
};
