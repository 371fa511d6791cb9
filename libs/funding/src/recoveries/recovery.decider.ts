import { orderRecovery } from './order-recovery.js';
import { recordRecoveryReceipt } from './record-recovery-receipt.js';
import { writeOffRecovery } from './write-off-recovery.js';

/** Recoveries: the commands that order, receive and write off money due back (on the grant's stream, whose state they fold). */
export const recoveryDecider = {
  commands: { OrderRecovery: orderRecovery, RecordRecoveryReceipt: recordRecoveryReceipt, WriteOffRecovery: writeOffRecovery },
} as const;
