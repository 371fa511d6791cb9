/**
 * Given-events and commands of the expenditure specs: grant g1 awarded on call c1 while it is open,
 * its claims filed, their documents claimed, and the claims verified by the controller.
 */
import type { FundingEvent } from '../src/funding.events.js';
import { documentKey } from '../src/expenditure/document.js';
import type { ClaimItem } from '../src/expenditure/expenditure.events.js';
import type { SubmitExpenditureClaim } from '../src/expenditure/submit-expenditure-claim.js';
import type { VerifyExpenditureClaim } from '../src/expenditure/verify-expenditure-claim.js';
import { CONTROLLER, PORTAL, SUPPLIER, claimItem } from './funding.fixtures.js';
import { grantOnOpenCall } from './grant.fixtures.js';

/** When the expenditure specs act: a month into the operation. */
export const now = new Date('2026-07-01T10:00:00.000Z');
/** A grant of EUR 120,000 on an operation of EUR 200,000 (2026-06-01 to 2027-05-31), its call's funding rate 60%. */
export const activeGrant = grantOnOpenCall;
export const filed = (claimId: string): FundingEvent => ({
  type: 'ExpenditureClaimFiled',
  data: { claimId, grantId: 'g1', filedAt: now.toISOString() },
});
export const items = (...amounts: number[]): ClaimItem[] =>
  amounts.map((amountCents, i) => claimItem(amountCents, `claim-1-${i}`));
export const submit = (claimId: string, kind: 'interim' | 'final', ...amounts: number[]): SubmitExpenditureClaim => ({
  type: 'SubmitExpenditureClaim',
  grantId: 'g1',
  claimId,
  kind,
  items: items(...amounts),
  submittedBy: PORTAL,
});
/** What an item of the fixtures (`claimItem`) takes: its invoice `<claimId>-<item>` of SUPPLIER, in programme wecare. */
export const documentClaimed = (
  claimId: string,
  itemIndex: number,
  claimedCents: number,
  grantId = 'g1',
  number = `${claimId}-${itemIndex}`,
): FundingEvent => ({
  type: 'ExpenditureDocumentClaimed',
  data: {
    key: documentKey('wecare', { issuerTaxCode: SUPPLIER, number, date: '2026-06-10' }),
    programmeId: 'wecare',
    grantId,
    claimId,
    itemIndex,
    claimedCents,
    claimedAt: now.toISOString(),
  },
});
export const verify = (
  claimId: string,
  eligibleCents: number,
  cuts: VerifyExpenditureClaim['cuts'] = [],
): VerifyExpenditureClaim => ({
  type: 'VerifyExpenditureClaim',
  claimId,
  eligibleCents,
  cuts,
  checklistRef: 'CL-1',
  onTheSpot: false,
  verifiedBy: CONTROLLER,
});
