import type { Instant } from '../funding.types.js';

/** BidWithdrawn as written before v2: without the status the bid was withdrawn from. */
export type BidWithdrawnV1 = {
  readonly type: 'BidWithdrawn';
  readonly data: { readonly bidId: string; readonly callId: string; readonly withdrawnAt: Instant };
};
