/**
 * The command pipeline specs' grant: g1 awarded on call c1 with all of it payable in advance, so
 * payments on it need no claim (grant.fixtures' `grantPaidInAdvance`); a clock for the pipeline and
 * an advance payment on g1.
 */
import type { FundingCommand } from '@app/funding';

export { grantPaidInAdvance } from '../../funding/test-support/grant.fixtures.js';

/** The pipeline's clock. */
export const clock = { now: () => new Date('2026-06-01T10:00:00.000Z') };

/** An advance payment of `amountCents` on g1, by the finance officer. */
export const pay = (disbursementId: string, amountCents: number): FundingCommand => ({
  type: 'RecordDisbursement',
  grantId: 'g1',
  disbursementId,
  kind: 'advance',
  amountCents,
  paidBy: 'finance-1',
});
