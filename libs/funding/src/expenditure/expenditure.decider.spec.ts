import { describe, expect, it } from '@jest/globals';
import {
  CONTROLLER,
  EUR,
  EVALUATOR,
  PORTAL,
  bidAdmissible,
  bidAwarded,
  bidSubmitted,
  budgetCommitted,
  callOpened,
  claimSubmitted,
  claimVerified,
  disbursed,
  grantAwarded,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import type { FundingEvent } from '../funding.events.js';
import type { GrantEvent } from '../grants/grant.events.js';
import type { ClaimItem } from './expenditure.events.js';
import type { SubmitExpenditureClaim } from './submit-expenditure-claim.js';
import type { VerifyExpenditureClaim } from './verify-expenditure-claim.js';

// A grant of EUR 120,000 on an operation of EUR 200,000 (aid intensity 60%).
const now = new Date('2026-07-01T10:00:00.000Z');
const place = { grantId: 'g1', callId: 'c1', programmeId: 'wecare', measureId: 'm4' };
const activeGrant = (...later: GrantEvent[]): FundingEvent[] => [programmeEstablished, callOpened, bidSubmitted, bidAdmissible, grantAwarded(EUR(120_000)), budgetCommitted(EUR(120_000)), bidAwarded(EUR(120_000)), ...later];
const filed = (claimId: string): FundingEvent => ({ type: 'ExpenditureClaimFiled', data: { claimId, grantId: 'g1', filedAt: now.toISOString() } });
const items = (...amounts: number[]): ClaimItem[] => amounts.map((amountCents, i) => ({ description: `Item ${i}`, category: 'services', amountCents, documentRef: `INV-${i}` }));
const submit = (claimId: string, kind: 'interim' | 'final', ...amounts: number[]): SubmitExpenditureClaim => ({ type: 'SubmitExpenditureClaim', grantId: 'g1', claimId, kind, items: items(...amounts), submittedBy: PORTAL });
const verify = (claimId: string, eligibleCents: number, cuts: VerifyExpenditureClaim['cuts'] = []): VerifyExpenditureClaim => ({
  type: 'VerifyExpenditureClaim',
  claimId,
  eligibleCents,
  cuts,
  checklistRef: 'CL-1',
  onTheSpot: false,
  verifiedBy: CONTROLLER,
});

describe('submitting an expenditure claim', () => {
  it("records the claim on the grant and takes its id, through the grant's own portal", async () => {
    expect(await given(...activeGrant()).when(submit('claim-1', 'interim', EUR(60_000), EUR(40_000)), now)).toEqual([
      { ...claimSubmitted('claim-1', 'interim', EUR(60_000), EUR(40_000)), data: { ...claimSubmitted('claim-1', 'interim', EUR(60_000), EUR(40_000)).data, submittedAt: now.toISOString() } },
      filed('claim-1'),
    ]);
    await expectRefusal(given(...activeGrant()).when({ ...submit('claim-1', 'interim', 1), submittedBy: 'portal-2' }, now), 'GRANT_NOT_FOUND');
  });

  it('takes a claim id once, across all grants', async () => {
    await expectRefusal(given(...activeGrant(), filed('claim-1')).when(submit('claim-1', 'interim', 1), now), 'CLAIM_ALREADY_EXISTS');
  });

  it('closes the grant to further claims once the final claim is in', async () => {
    await expectRefusal(given(...activeGrant(claimSubmitted('claim-1', 'final', EUR(10_000)))).when(submit('claim-2', 'interim', 1), now), 'CLAIMS_CLOSED');
  });

  it("refuses a claim with no items, an item without its document, and one beyond the operation's eligible cost", async () => {
    await expectRefusal(given(...activeGrant()).when(submit('claim-1', 'interim'), now), 'INVALID_INPUT');
    await expectRefusal(given(...activeGrant()).when({ ...submit('claim-1', 'interim', 1), items: [{ ...items(1)[0]!, documentRef: ' ' }] }, now), 'INVALID_INPUT');
    await expectRefusal(given(...activeGrant()).when(submit('claim-1', 'interim', 0), now), 'INVALID_AMOUNT');
    await expectRefusal(given(...activeGrant()).when(submit('claim-1', 'interim', EUR(150_000), EUR(50_000) + 1), now), 'CLAIM_EXCEEDS_ELIGIBLE_COST');
  });

  it('refuses a claim on a completed or revoked grant', async () => {
    const revoked: GrantEvent = { type: 'GrantRevoked', data: { ...place, reason: 'r', covar: null, whole: true, revokedCents: EUR(120_000), awardAfterCents: 0, releasedCents: EUR(120_000), recoveryDueCents: 0, recoveryDueAddedCents: 0, revokedAt: '' } };
    await expectRefusal(given(...activeGrant(revoked)).when(submit('claim-1', 'interim', 1), now), 'GRANT_NOT_ACTIVE');
  });
});

describe('verifying a claim', () => {
  const claimed = (...later: GrantEvent[]) => [...activeGrant(claimSubmitted('claim-1', 'interim', EUR(60_000), EUR(40_000)), ...later), filed('claim-1')];

  it('records eligible and cut amounts with their reasons: eligible + cuts = declared, per item and in total', async () => {
    const cut = { item: 1, amountCents: EUR(5_000), reason: 'Invoice dated before the operation started' };
    const [verified, ...rest] = await given(...claimed()).when({ ...verify('claim-1', EUR(95_000), [cut]), onTheSpot: true }, now);
    expect(rest).toEqual([]);
    expect(verified).toEqual({
      type: 'ExpenditureClaimVerified',
      data: { ...place, claimId: 'claim-1', kind: 'interim', declaredCents: EUR(100_000), eligibleCents: EUR(95_000), cutCents: EUR(5_000), cuts: [cut], checklistRef: 'CL-1', onTheSpot: true, verifiedBy: CONTROLLER, releasedCents: 0, recoveryDueCents: 0, recoveryDueAddedCents: 0, verifiedAt: now.toISOString() },
    });
    await expectRefusal(given(...claimed()).when(verify('claim-1', EUR(95_000)), now), 'VERIFICATION_DOES_NOT_ADD_UP');
    await expectRefusal(given(...claimed()).when(verify('claim-1', EUR(59_000), [{ item: 1, amountCents: EUR(41_000), reason: 'x' }]), now), 'CUTS_EXCEED_ITEM');
    await expectRefusal(given(...claimed()).when(verify('claim-1', EUR(90_000), [{ item: 2, amountCents: EUR(10_000), reason: 'x' }]), now), 'INVALID_INPUT');
  });

  it('verifies a claim once, and never by the evaluator of the bid', async () => {
    await expectRefusal(given(...claimed(claimVerified('claim-1', 'interim', EUR(100_000)))).when(verify('claim-1', EUR(100_000)), now), 'CLAIM_ALREADY_VERIFIED');
    await expectRefusal(given(...claimed()).when({ ...verify('claim-1', EUR(100_000)), verifiedBy: EVALUATOR }, now), 'SEPARATION_OF_DUTIES');
    await expectRefusal(given(...activeGrant()).when(verify('claim-9', 1), now), 'CLAIM_NOT_FOUND');
  });

  it("never verifies more eligible expenditure than the operation's total eligible cost", async () => {
    const history = [...claimed(claimVerified('claim-1', 'interim', EUR(100_000)), claimSubmitted('claim-2', 'interim', EUR(100_000) + 1)), filed('claim-2')];
    await expectRefusal(given(...history).when(verify('claim-2', EUR(100_000) + 1), now), 'ELIGIBLE_EXCEEDS_OPERATION_COST');
    expect(await given(...history).when(verify('claim-2', EUR(100_000), [{ item: 0, amountCents: 1, reason: 'Beyond the eligible cost' }]), now)).toHaveLength(1);
  });

  it('verifies the final claim last: it fixes the entitlement, hands back what the grant no longer holds, and makes the excess paid due', async () => {
    // EUR 48,000 advanced; the final claim of EUR 50,000 is all that is verified: the grant is entitled to 60% of it.
    const history = [...activeGrant(disbursed('d1', 'advance', EUR(48_000)), claimSubmitted('claim-1', 'interim', EUR(10_000)), claimSubmitted('claim-2', 'final', EUR(50_000))), filed('claim-1'), filed('claim-2')];
    await expectRefusal(given(...history).when(verify('claim-2', EUR(50_000)), now), 'EARLIER_CLAIMS_PENDING');
    const settled = [...history, claimVerified('claim-1', 'interim', EUR(10_000), EUR(10_000))];
    const events = await given(...settled).when(verify('claim-2', EUR(40_000), [{ item: 0, amountCents: EUR(10_000), reason: 'Not eligible' }]), now);
    // Entitled to 60% of EUR 40,000 = 24,000: held 120,000 → 48,000 (what was paid), 72,000 back to the call; 24,000 due.
    expect(events).toEqual([
      expect.objectContaining({ type: 'ExpenditureClaimVerified', data: expect.objectContaining({ releasedCents: EUR(72_000), recoveryDueCents: EUR(24_000), recoveryDueAddedCents: EUR(24_000) }) }),
      { type: 'CallBudgetReleased', data: { callId: 'c1', grantId: 'g1', amountCents: EUR(72_000), cause: 'verification', releasedAt: now.toISOString() } },
    ]);
  });
});
