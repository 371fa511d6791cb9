/** Paying a grant (record-disbursement.ts): advances, tranches on verified claims, the final payment that completes it. */
import { describe, expect, it } from '@jest/globals';
import {
  ACT,
  CONTROLLER,
  EUR,
  G1_PLACE,
  grantRevoked,
  claimSubmitted,
  claimVerified,
  disbursed,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { paymentOnG1 } from '../../test-support/paying.js';
import { activeGrant, admissibleBid } from '../../test-support/grant.fixtures.js';
import type { GrantEvent } from './grant.events.js';

describe('recording a disbursement', () => {
  // The award of EUR 120,000 on an operation of EUR 200,000: the aid intensity is 60%; the call's advance share 40%.
  const pay = paymentOnG1;
  const paidAt = new Date('2026-06-01T10:00:00.000Z');
  const completed = (paidCents: number, releasedCents: number): GrantEvent => ({
    type: 'GrantCompleted',
    data: {
      ...G1_PLACE,
      actualEndDate: paidAt.toISOString().slice(0, 10),
      paidCents,
      releasedCents,
      completedAt: paidAt.toISOString(),
    },
  });
  /** An advance of EUR 48,000 and an interim claim of EUR 100,000 found all eligible: EUR 60,000 covered, 12,000 more payable. */
  const verifiedInterim = () =>
    activeGrant(
      disbursed('d1', 'advance', EUR(48_000)),
      claimSubmitted('claim-1', 'interim', EUR(100_000)),
      claimVerified('claim-1', 'interim', EUR(100_000)),
    );

  it("pays an advance on the award alone, up to the call's advance share, on the grant stream only", async () => {
    expect(await given(...activeGrant()).when(pay('d1', 'advance', EUR(48_000)), paidAt)).toEqual([
      disbursed('d1', 'advance', EUR(48_000)),
    ]);
    await expectRefusal(
      given(...activeGrant(disbursed('d1', 'advance', EUR(40_000)))).when(pay('d2', 'advance', EUR(8_000) + 1), paidAt),
      'ADVANCE_EXCEEDS_SHARE',
    );
    await expectRefusal(
      given(...activeGrant()).when(pay('d1', 'advance', EUR(1_000), 'claim-1'), paidAt),
      'INVALID_INPUT',
    );
  });

  it('pays an interim tranche only on a verified interim claim', async () => {
    const claimed = activeGrant(claimSubmitted('claim-1', 'interim', EUR(100_000)));
    await expectRefusal(given(...claimed).when(pay('d1', 'interim', EUR(1_000)), paidAt), 'CLAIM_REQUIRED');
    await expectRefusal(given(...claimed).when(pay('d1', 'interim', EUR(1_000), 'claim-9'), paidAt), 'CLAIM_NOT_FOUND');
    await expectRefusal(
      given(...claimed).when(pay('d1', 'interim', EUR(1_000), 'claim-1'), paidAt),
      'CLAIM_NOT_VERIFIED',
    );
    await expectRefusal(given(...claimed).when(pay('d1', 'final', 0, 'claim-1'), paidAt), 'FINAL_CLAIM_REQUIRED');
    expect(await given(...verifiedInterim()).when(pay('d2', 'interim', EUR(12_000), 'claim-1'), paidAt)).toEqual([
      disbursed('d2', 'interim', EUR(12_000), 'claim-1'),
    ]);
  });

  it('never pays beyond the funding rate times the verified expenditure, the advance offset against it (invariant 12)', async () => {
    const refusal = given(...verifiedInterim()).when(pay('d2', 'interim', EUR(12_000) + 1, 'claim-1'), paidAt);
    await expectRefusal(refusal, 'PAYMENT_EXCEEDS_VERIFIED');
    await expect(refusal).rejects.toMatchObject({ details: { payableCents: EUR(12_000) } });
    // Expenditure the advance already covers allows nothing more.
    const covered = activeGrant(
      disbursed('d1', 'advance', EUR(48_000)),
      claimSubmitted('claim-1', 'interim', EUR(80_000)),
      claimVerified('claim-1', 'interim', EUR(80_000)),
    );
    await expectRefusal(given(...covered).when(pay('d2', 'interim', 1, 'claim-1'), paidAt), 'PAYMENT_EXCEEDS_VERIFIED');
    // A claim allows its own share only, whatever else is verified.
    const two = activeGrant(
      claimSubmitted('claim-1', 'interim', EUR(50_000)),
      claimVerified('claim-1', 'interim', EUR(50_000)),
      claimSubmitted('claim-2', 'interim', EUR(50_000)),
      claimVerified('claim-2', 'interim', EUR(50_000)),
    );
    await expectRefusal(
      given(...two).when(pay('d1', 'interim', EUR(30_000) + 1, 'claim-1'), paidAt),
      'PAYMENT_EXCEEDS_VERIFIED',
    );
    expect(await given(...two).when(pay('d1', 'interim', EUR(30_000), 'claim-1'), paidAt)).toHaveLength(1);
  });

  it('refuses the payment of a claim to the principal who verified it (separation of duties)', async () => {
    await expectRefusal(
      given(...verifiedInterim()).when({ ...pay('d2', 'interim', EUR(1_000), 'claim-1'), paidBy: CONTROLLER }, paidAt),
      'SEPARATION_OF_DUTIES',
    );
  });

  it('completes the grant with the final payment on the verified final claim and releases what it did not use to the call', async () => {
    const history = [
      ...verifiedInterim(),
      disbursed('d2', 'interim', EUR(12_000), 'claim-1'),
      claimSubmitted('claim-2', 'final', EUR(100_000)),
      claimVerified('claim-2', 'final', EUR(100_000)),
    ];
    expect(await given(...history).when(pay('d3', 'final', EUR(50_000), 'claim-2'), paidAt)).toEqual([
      disbursed('d3', 'final', EUR(50_000), 'claim-2'),
      completed(EUR(110_000), EUR(10_000)),
      {
        type: 'CallBudgetReleased',
        data: {
          callId: 'c1',
          grantId: 'g1',
          amountCents: EUR(10_000),
          cause: 'completion',
          releasedAt: paidAt.toISOString(),
        },
      },
    ]);
    const whole = await given(...history).when(pay('d3', 'final', EUR(60_000), 'claim-2'), paidAt);
    expect(whole.map((e) => e.type)).toEqual(['DisbursementRecorded', 'GrantCompleted']);
    await expectRefusal(
      given(...history).when(pay('d3', 'final', EUR(60_000) + 1, 'claim-2'), paidAt),
      'DISBURSEMENT_EXCEEDS_GRANT',
    );
  });

  it('a zero final payment closes a grant already paid all it is entitled to', async () => {
    const history = [
      ...verifiedInterim(),
      disbursed('d2', 'interim', EUR(12_000), 'claim-1'),
      claimSubmitted('claim-2', 'final', 1),
      claimVerified('claim-2', 'final', 1, 1),
    ];
    const events = await given(...history).when(pay('d3', 'final', 0, 'claim-2'), paidAt);
    expect(events.map((e) => e.type)).toEqual(['DisbursementRecorded', 'GrantCompleted']);
    // The final claim added nothing eligible: the EUR 60,000 paid is all the grant is entitled to.
    await expectRefusal(given(...history).when(pay('d3', 'final', 1, 'claim-2'), paidAt), 'PAYMENT_EXCEEDS_VERIFIED');
  });

  it('refuses a payment above what is left of a reduced award (invariant 5)', async () => {
    const reduced = grantRevoked({
      reason: 'Scope cut',
      revokedCents: EUR(80_000),
      awardAfterCents: EUR(40_000),
      releasedCents: EUR(72_000),
      recoveryDueCents: EUR(8_000),
      act: ACT,
    });
    await expectRefusal(
      given(...verifiedInterim(), reduced).when(pay('d2', 'interim', 1, 'claim-1'), paidAt),
      'DISBURSEMENT_EXCEEDS_GRANT',
    );
  });

  it('refuses any payment on a completed or revoked grant (invariant 5)', async () => {
    await expectRefusal(
      given(...activeGrant(disbursed('d1', 'final', EUR(120_000)), completed(EUR(120_000), 0))).when(
        pay('d2', 'interim', 1, 'claim-1'),
        paidAt,
      ),
      'GRANT_NOT_ACTIVE',
    );
    const revoked = await given(...activeGrant()).when(
      { type: 'RevokeGrant', grantId: 'g1', reason: 'Project abandoned', act: ACT },
      paidAt,
    );
    await expectRefusal(given(...activeGrant(), ...revoked).when(pay('d1', 'advance', 1), paidAt), 'GRANT_NOT_ACTIVE');
  });

  it('refuses a disbursement id recorded before, zero non-final amounts, an unknown grant', async () => {
    const history = activeGrant(disbursed('d1', 'advance', EUR(40_000)));
    await expectRefusal(given(...history).when(pay('d1', 'advance', 1), paidAt), 'DISBURSEMENT_ALREADY_RECORDED');
    await expectRefusal(given(...history).when(pay('d2', 'advance', 0), paidAt), 'INVALID_AMOUNT');
    await expectRefusal(given(...admissibleBid).when(pay('d2', 'advance', 1), paidAt), 'GRANT_NOT_FOUND');
  });
});
