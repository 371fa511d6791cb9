import { approveRanking } from './approve-ranking.js';
import { CALL } from './call.js';
import { cancelCall } from './cancel-call.js';
import { closeCall } from './close-call.js';
import { openCall } from './open-call.js';

/** The calls capability: its state, and the commands decided on it (each with its plan). */
export const callDecider = {
  ...CALL,
  commands: { OpenCall: openCall, CloseCall: closeCall, CancelCall: cancelCall, ApproveRanking: approveRanking },
} as const;
