import type { Instant } from '../funding.types.js';

/** BidWithdrawn as written before v2: without the status the bid was withdrawn from. */
export type BidWithdrawnV1 = {
  readonly type: 'BidWithdrawn';
  readonly data: { readonly bidId: string; readonly callId: string; readonly withdrawnAt: Instant };
};

/** BidSubmitted as written before v2: without the submitting principal (its metadata's actor). */
export type BidSubmittedV1 = {
  readonly type: 'BidSubmitted';
  readonly data: Omit<import('./bid.events.js').BidSubmitted['data'], 'submittedBy'>;
};
