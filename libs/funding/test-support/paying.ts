/**
 * Paying a grant as the law allows, for tests that need money paid: a claim of expenditure, its
 * verification by a controller, and the payment by a finance officer, each a different person.
 * With `awardTerms` the operation costs exactly the award (aid intensity 100%), so a claim of X
 * allows a payment of X.
 */
import type { FundingCommand } from '../src/funding.commands.js';
import type { RecordDisbursement } from '../src/grants/record-disbursement.js';
import { CONTROLLER, FINANCE_OFFICER, PORTAL, claimItem } from './funding.fixtures.js';

export function claimVerifyAndPay(
  grantId: string,
  paymentId: string,
  amountCents: number,
  options: {
    readonly kind?: 'interim' | 'final';
    readonly portal?: string;
    readonly declaredCents?: number;
    readonly paidOn?: string;
  } = {},
): FundingCommand[] {
  const kind = options.kind ?? 'interim';
  const claimId = `${grantId}-claim-${paymentId}`;
  const declaredCents = options.declaredCents ?? Math.max(1, amountCents);
  return [
    {
      type: 'SubmitExpenditureClaim',
      grantId,
      claimId,
      kind,
      items: [claimItem(declaredCents, `${grantId}-${paymentId}`, options.paidOn)],
      submittedBy: options.portal ?? PORTAL,
    },
    {
      type: 'VerifyExpenditureClaim',
      claimId,
      eligibleCents: declaredCents,
      cuts: [],
      checklistRef: 'CL-1',
      onTheSpot: false,
      verifiedBy: CONTROLLER,
    },
    {
      type: 'RecordDisbursement',
      grantId,
      disbursementId: paymentId,
      kind,
      amountCents,
      claimId,
      paidBy: FINANCE_OFFICER,
    },
  ];
}

/** A payment on grant g1 by the finance officer; an interim or a final one settles `claimId`. */
export const paymentOnG1 = (
  disbursementId: string,
  kind: 'advance' | 'interim' | 'final',
  amountCents: number,
  claimId?: string,
): RecordDisbursement => ({
  type: 'RecordDisbursement',
  grantId: 'g1',
  disbursementId,
  kind,
  amountCents,
  claimId: claimId ?? null,
  paidBy: FINANCE_OFFICER,
  reference: null,
});
