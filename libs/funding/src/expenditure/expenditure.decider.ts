import { submitExpenditureClaim } from './submit-expenditure-claim.js';
import { verifyExpenditureClaim } from './verify-expenditure-claim.js';
import { CLAIM } from './claim.js';

/** Expenditure claims: the claim id's stream, and the commands that claim and verify (their money is on the grant's stream). */
export const expenditureDecider = {
  ...CLAIM,
  commands: { SubmitExpenditureClaim: submitExpenditureClaim, VerifyExpenditureClaim: verifyExpenditureClaim },
} as const;
