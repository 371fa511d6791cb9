import { BID } from './bid.js';
import { evaluateBid } from './evaluate-bid.js';
import { passOverBid } from './pass-over-bid.js';
import { submitBid } from './submit-bid.js';
import { withdrawBid } from './withdraw-bid.js';

/** The bids capability: its state, and the commands decided on it (each with its plan). */
export const bidDecider = {
  ...BID,
  commands: { SubmitBid: submitBid, WithdrawBid: withdrawBid, EvaluateBid: evaluateBid, PassOverBid: passOverBid },
} as const;
