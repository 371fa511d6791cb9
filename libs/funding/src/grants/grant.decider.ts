import { awardGrant } from './award-grant.js';
import { GRANT } from './grant.js';
import { recordDisbursement } from './record-disbursement.js';
import { revokeGrant } from './revoke-grant.js';

/** The grants capability: its state, and the commands decided on it (each with its plan). */
export const grantDecider = {
  ...GRANT,
  commands: { AwardGrant: awardGrant, RecordDisbursement: recordDisbursement, RevokeGrant: revokeGrant },
} as const;
