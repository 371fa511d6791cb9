/**
 * Expenditure claims on a grant: submitting them, paying them at the call's funding rate, and their
 * verification by first-level control. Their documents and dates: claim-documents.decider.spec.ts.
 */
import { describe, expect, it } from '@jest/globals';
import {
  CONTROLLER,
  EUR,
  G1_PLACE,
  grantRevoked,
  EVALUATOR,
  claimSubmitted,
  claimVerified,
  disbursed,
} from '../../test-support/funding.fixtures.js';
import {
  activeGrant,
  documentClaimed,
  filed,
  items,
  now,
  submit,
  verify,
} from '../../test-support/expenditure.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { paymentOnG1 } from '../../test-support/paying.js';
import type { FundingEvent } from '../funding.events.js';
import type { GrantEvent } from '../grants/grant.events.js';

describe('submitting an expenditure claim', () => {
  it("records the claim on the grant and takes its id, through the grant's own portal", async () => {
    expect(await given(...activeGrant()).when(submit('claim-1', 'interim', EUR(60_000), EUR(40_000)), now)).toEqual([
      {
        ...claimSubmitted('claim-1', 'interim', EUR(60_000), EUR(40_000)),
        data: {
          ...claimSubmitted('claim-1', 'interim', EUR(60_000), EUR(40_000)).data,
          submittedAt: now.toISOString(),
        },
      },
      filed('claim-1'),
      documentClaimed('claim-1', 0, EUR(60_000)),
      documentClaimed('claim-1', 1, EUR(40_000)),
    ]);
    await expectRefusal(
      given(...activeGrant()).when({ ...submit('claim-1', 'interim', 1), submittedBy: 'portal-2' }, now),
      'GRANT_NOT_FOUND',
    );
  });

  it('takes a claim id once, across all grants', async () => {
    await expectRefusal(
      given(...activeGrant(), filed('claim-1')).when(submit('claim-1', 'interim', 1), now),
      'CLAIM_ALREADY_EXISTS',
    );
  });

  it('closes the grant to further claims once the final claim is in', async () => {
    await expectRefusal(
      given(...activeGrant(claimSubmitted('claim-1', 'final', EUR(10_000)))).when(submit('claim-2', 'interim', 1), now),
      'CLAIMS_CLOSED',
    );
  });

  it("refuses a claim with no items, an item without its document, and one beyond the operation's eligible cost", async () => {
    await expectRefusal(given(...activeGrant()).when(submit('claim-1', 'interim'), now), 'INVALID_INPUT');
    await expectRefusal(
      given(...activeGrant()).when(
        { ...submit('claim-1', 'interim', 1), items: [{ ...items(1)[0]!, documentRef: ' ' }] },
        now,
      ),
      'INVALID_INPUT',
    );
    await expectRefusal(given(...activeGrant()).when(submit('claim-1', 'interim', 0), now), 'INVALID_AMOUNT');
    await expectRefusal(
      given(...activeGrant()).when(submit('claim-1', 'interim', EUR(150_000), EUR(50_000) + 1), now),
      'CLAIM_EXCEEDS_ELIGIBLE_COST',
    );
  });

  it('refuses a claim on a completed or revoked grant', async () => {
    const revoked = grantRevoked({ reason: 'r', revokedCents: EUR(120_000), releasedCents: EUR(120_000) });
    await expectRefusal(given(...activeGrant(revoked)).when(submit('claim-1', 'interim', 1), now), 'GRANT_NOT_ACTIVE');
  });
});

describe("the funding rate: a grant is paid at most its call's rate times its verified expenditure, up to the award (docs/adr/0011)", () => {
  // An award of EUR 120,000 capped below its call's rate: 80% of the EUR 200,000 operation would be EUR 160,000.
  const capped = (...later: GrantEvent[]) => {
    const [first, second, ...rest] = activeGrant(...later);
    return [
      first!,
      { ...second!, data: { ...(second!.data as object), fundingRateBp: 8000 } } as FundingEvent,
      ...rest.map((e) =>
        e.type === 'GrantAwarded' ? ({ ...e, data: { ...e.data, fundingRateBp: 8000 } } as FundingEvent) : e,
      ),
    ];
  };
  const pay = paymentOnG1;

  it('pays 80% of EUR 50,000 verified (EUR 40,000), where award / cost would have paid 60% (EUR 30,000)', async () => {
    const history = [
      ...capped(claimSubmitted('claim-1', 'interim', EUR(50_000)), claimVerified('claim-1', 'interim', EUR(50_000))),
      filed('claim-1'),
    ];
    await expect(given(...history).when(pay('d1', 'interim', EUR(40_000) + 1, 'claim-1'), now)).rejects.toMatchObject({
      code: 'PAYMENT_EXCEEDS_VERIFIED',
      details: { payableCents: EUR(40_000) },
    });
    expect(await given(...history).when(pay('d1', 'interim', EUR(40_000), 'claim-1'), now)).toEqual([
      expect.objectContaining({
        type: 'DisbursementRecorded',
        data: expect.objectContaining({ amountCents: EUR(40_000) }),
      }),
    ]);
  });

  it('never pays beyond the award: the final claim of the whole operation entitles it to EUR 120,000, not 80% of 200,000', async () => {
    const history = [...capped(claimSubmitted('claim-1', 'final', EUR(200_000))), filed('claim-1')];
    const [verified] = await given(...history).when(verify('claim-1', EUR(200_000)), now);
    expect(verified).toMatchObject({ data: { releasedCents: 0, recoveryDueCents: 0 } });
    const paid = [
      ...capped(claimSubmitted('claim-1', 'final', EUR(200_000)), claimVerified('claim-1', 'final', EUR(200_000))),
      filed('claim-1'),
    ];
    await expectRefusal(
      given(...paid).when(pay('d1', 'final', EUR(120_000) + 1, 'claim-1'), now),
      'DISBURSEMENT_EXCEEDS_GRANT',
    );
    expect(await given(...paid).when(pay('d1', 'final', EUR(120_000), 'claim-1'), now)).toContainEqual(
      expect.objectContaining({ type: 'GrantCompleted' }),
    );
  });

  it('keeps the rule a grant was awarded under: one awarded before calls had a rate (null) is paid at award / total eligible cost', async () => {
    const legacy = activeGrant(
      claimSubmitted('claim-1', 'interim', EUR(50_000)),
      claimVerified('claim-1', 'interim', EUR(50_000)),
    ).map((e) =>
      e.type === 'GrantAwarded' ? ({ ...e, data: { ...e.data, fundingRateBp: null } } as FundingEvent) : e,
    );
    await expect(
      given(...legacy, filed('claim-1')).when(pay('d1', 'interim', EUR(30_000) + 1, 'claim-1'), now),
    ).rejects.toMatchObject({ details: { payableCents: EUR(30_000) } });
  });
});

describe('verifying a claim', () => {
  const claimed = (...later: GrantEvent[]) => [
    ...activeGrant(claimSubmitted('claim-1', 'interim', EUR(60_000), EUR(40_000)), ...later),
    filed('claim-1'),
  ];

  it('records eligible and cut amounts with their reasons: eligible + cuts = declared, per item and in total', async () => {
    const cut = { item: 1, amountCents: EUR(5_000), reason: 'Invoice dated before the operation started' };
    const [verified, ...rest] = await given(...claimed()).when(
      { ...verify('claim-1', EUR(95_000), [cut]), onTheSpot: true },
      now,
    );
    expect(rest).toEqual([]);
    expect(verified).toEqual({
      type: 'ExpenditureClaimVerified',
      data: {
        ...G1_PLACE,
        claimId: 'claim-1',
        kind: 'interim',
        declaredCents: EUR(100_000),
        eligibleCents: EUR(95_000),
        cutCents: EUR(5_000),
        cuts: [cut],
        checklistRef: 'CL-1',
        onTheSpot: true,
        verifiedBy: CONTROLLER,
        releasedCents: 0,
        recoveryDueCents: 0,
        recoveryDueAddedCents: 0,
        verifiedAt: now.toISOString(),
      },
    });
    await expectRefusal(given(...claimed()).when(verify('claim-1', EUR(95_000)), now), 'VERIFICATION_DOES_NOT_ADD_UP');
    await expectRefusal(
      given(...claimed()).when(
        verify('claim-1', EUR(59_000), [{ item: 1, amountCents: EUR(41_000), reason: 'x' }]),
        now,
      ),
      'CUTS_EXCEED_ITEM',
    );
    await expectRefusal(
      given(...claimed()).when(
        verify('claim-1', EUR(90_000), [{ item: 2, amountCents: EUR(10_000), reason: 'x' }]),
        now,
      ),
      'INVALID_INPUT',
    );
  });

  it('verifies a claim once, and never by the evaluator of the bid', async () => {
    await expectRefusal(
      given(...claimed(claimVerified('claim-1', 'interim', EUR(100_000)))).when(verify('claim-1', EUR(100_000)), now),
      'CLAIM_ALREADY_VERIFIED',
    );
    await expectRefusal(
      given(...claimed()).when({ ...verify('claim-1', EUR(100_000)), verifiedBy: EVALUATOR }, now),
      'SEPARATION_OF_DUTIES',
    );
    await expectRefusal(given(...activeGrant()).when(verify('claim-9', 1), now), 'CLAIM_NOT_FOUND');
  });

  it("never verifies more eligible expenditure than the operation's total eligible cost", async () => {
    const history = [
      ...claimed(
        claimVerified('claim-1', 'interim', EUR(100_000)),
        claimSubmitted('claim-2', 'interim', EUR(100_000) + 1),
      ),
      filed('claim-2'),
    ];
    await expectRefusal(
      given(...history).when(verify('claim-2', EUR(100_000) + 1), now),
      'ELIGIBLE_EXCEEDS_OPERATION_COST',
    );
    expect(
      await given(...history).when(
        verify('claim-2', EUR(100_000), [{ item: 0, amountCents: 1, reason: 'Beyond the eligible cost' }]),
        now,
      ),
    ).toHaveLength(1);
  });

  it('verifies the final claim last: it fixes the entitlement, hands back what the grant no longer holds, and makes the excess paid due', async () => {
    // EUR 48,000 advanced; the final claim of EUR 50,000 is all that is verified: the grant is entitled to 60% of it.
    const history = [
      ...activeGrant(
        disbursed('d1', 'advance', EUR(48_000)),
        claimSubmitted('claim-1', 'interim', EUR(10_000)),
        claimSubmitted('claim-2', 'final', EUR(50_000)),
      ),
      filed('claim-1'),
      filed('claim-2'),
    ];
    await expectRefusal(given(...history).when(verify('claim-2', EUR(50_000)), now), 'EARLIER_CLAIMS_PENDING');
    const settled = [...history, claimVerified('claim-1', 'interim', EUR(10_000), EUR(10_000))];
    const events = await given(...settled).when(
      verify('claim-2', EUR(40_000), [{ item: 0, amountCents: EUR(10_000), reason: 'Not eligible' }]),
      now,
    );
    // Entitled to 60% of EUR 40,000 = 24,000: held 120,000 → 48,000 (what was paid), 72,000 back to the call; 24,000 due.
    expect(events).toEqual([
      expect.objectContaining({
        type: 'ExpenditureClaimVerified',
        data: expect.objectContaining({
          releasedCents: EUR(72_000),
          recoveryDueCents: EUR(24_000),
          recoveryDueAddedCents: EUR(24_000),
        }),
      }),
      {
        type: 'CallBudgetReleased',
        data: {
          callId: 'c1',
          grantId: 'g1',
          amountCents: EUR(72_000),
          cause: 'verification',
          releasedAt: now.toISOString(),
        },
      },
    ]);
  });
});
