/**
 * From claim to payment as it really happens, on the real process: expenditure claims, their
 * verification by first-level control, payments bound by what was verified, and separation of
 * duties. Recoveries are in recovery.e2e-spec.ts; what is eligible, in eligibility.e2e-spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KEYS, type ApiProcess } from './support/api-process.js';
import {
  CONTROLLER_AND_PAYER,
  EVALUATOR_AND_CONTROLLER,
  expenditureSteps,
  startApiWithDualDuties,
} from './support/expenditure-api.js';
import { FundingClient, awardBody, claimItem } from './support/funding-requests.js';
import { stopAndRemove } from './support/running-api.js';

describe('expenditure claims, verifications and recoveries', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithDualDuties()));
  afterAll(() => stopAndRemove(api));

  const { claim, verify, pay, grantAt60Percent } = expenditureSteps(() => client);

  it('refuses an interim payment without a verified claim', async () => {
    const { grantId } = await grantAt60Percent();
    expect((await pay(grantId, { kind: 'interim', amountCents: 100_000 })).body).toMatchObject({
      statusCode: 422,
      code: 'CLAIM_REQUIRED',
    });
    const submitted = await claim(grantId, 'interim', 2_000_000, 500_000);
    expect(submitted.status).toBe(201);
    const claimId = submitted.body.claimId as string;
    expect((await pay(grantId, { kind: 'interim', amountCents: 100_000, claimId })).body).toMatchObject({
      statusCode: 422,
      code: 'CLAIM_NOT_VERIFIED',
    });
    expect(
      (await pay(grantId, { kind: 'interim', amountCents: 100_000, claimId: 'no-such-claim' })).body,
    ).toMatchObject({ statusCode: 404, code: 'CLAIM_NOT_FOUND' });
    // Another portal's grant does not exist for it; a claim id is taken once.
    expect(
      (await client.submitClaim(grantId, { kind: 'interim', items: [claimItem(1)] }, 'applicant-service-2-dev-api-key'))
        .body.code,
    ).toBe('GRANT_NOT_FOUND');
    expect((await client.submitClaim(grantId, { claimId, kind: 'interim', items: [claimItem(1)] })).body).toMatchObject(
      { statusCode: 409, code: 'CLAIM_ALREADY_EXISTS' },
    );
  });

  it('pays no more than the funding rate times the verified eligible expenditure, plus the advance allowed', async () => {
    const { grantId } = await grantAt60Percent();
    // The advance: 40% of EUR 60,000.
    expect((await pay(grantId, { kind: 'advance', amountCents: 2_400_000 + 1 })).body.code).toBe(
      'ADVANCE_EXCEEDS_SHARE',
    );
    expect((await pay(grantId, { kind: 'advance', amountCents: 2_400_000 })).status).toBe(201);
    // EUR 50,000 declared, EUR 5,000 cut on the second item: EUR 45,000 eligible → 60% = EUR 27,000, of which 24,000 advanced.
    const claimId = (await claim(grantId, 'interim', 4_000_000, 1_000_000)).body.claimId as string;
    expect(
      (await verify(claimId, 4_600_000, [{ item: 1, amountCents: 500_000, reason: 'Fattura fuori periodo' }])).body
        .code,
    ).toBe('VERIFICATION_DOES_NOT_ADD_UP');
    const verified = await verify(claimId, 4_500_000, [
      { item: 1, amountCents: 500_000, reason: 'Fattura fuori periodo' },
    ]);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ claimId, revision: expect.any(Number) });
    const tooMuch = await pay(grantId, { kind: 'interim', amountCents: 300_000 + 1, claimId });
    expect(tooMuch.body).toMatchObject({ statusCode: 422, code: 'PAYMENT_EXCEEDS_VERIFIED', payableCents: 300_000 });
    const paid = await pay(grantId, { kind: 'interim', amountCents: 300_000, claimId });
    expect(paid.status).toBe(201);

    const grant = await client.grant(grantId, { at: paid.headers['x-event-position']!, key: KEYS.programmeManager });
    expect(grant.body).toMatchObject({
      disbursedCents: 2_700_000,
      declaredCents: 5_000_000,
      verifiedCents: 4_500_000,
      claims: [
        {
          claimId,
          status: 'verified',
          declaredCents: 5_000_000,
          eligibleCents: 4_500_000,
          cutCents: 500_000,
          cuts: [{ item: 1, amountCents: 500_000, reason: 'Fattura fuori periodo' }],
          paidCents: 300_000,
          verifiedBy: 'dev:controller',
        },
      ],
      disbursements: [
        { kind: 'advance', claimId: null },
        { kind: 'interim', claimId, amountCents: 300_000 },
      ],
    });
    expect(
      (await client.expenditureClaim(claimId, { at: paid.headers['x-event-position']!, key: KEYS.programmeManager }))
        .body,
    ).toMatchObject({ claimId, grantId, status: 'verified', paidCents: 300_000 });
  });

  it('keeps duties apart: the verifier of a claim cannot pay it, the evaluator of the bid cannot verify its grant', async () => {
    const { grantId } = await grantAt60Percent();
    const claimId = (await claim(grantId, 'interim', 1_000_000)).body.claimId as string;
    expect((await verify(claimId, 1_000_000, [], CONTROLLER_AND_PAYER)).status).toBe(200);
    expect(
      (await pay(grantId, { kind: 'interim', amountCents: 100_000, claimId }, CONTROLLER_AND_PAYER)).body,
    ).toMatchObject({ statusCode: 422, code: 'SEPARATION_OF_DUTIES' });
    expect((await pay(grantId, { kind: 'interim', amountCents: 100_000, claimId })).status).toBe(201);

    const callId = await client.openCall({
      budgetCents: 10_000_000,
      maxGrantCents: 10_000_000,
      selection: 'first-come',
    });
    const bid = await client.submitBid(callId, {
      applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
      projectTitle: 'Nido',
      requestedCents: 1_000_000,
    });
    expect(
      (await client.evaluateBid(bid.body.bidId, { admissible: true, score: 70 }, EVALUATOR_AND_CONTROLLER)).status,
    ).toBe(200);
    const other = (await client.awardGrant(callId, awardBody(bid.body.bidId, 1_000_000))).body.grantId as string;
    const otherClaim = (await claim(other, 'interim', 500_000)).body.claimId as string;
    expect((await verify(otherClaim, 500_000, [], EVALUATOR_AND_CONTROLLER)).body).toMatchObject({
      statusCode: 422,
      code: 'SEPARATION_OF_DUTIES',
    });
  });

  it('lists claims waiting for verification, oldest first, to first-level control', async () => {
    const { grantId } = await grantAt60Percent();
    const item = (amountCents: number) => [claimItem(amountCents, { description: 'Voce', documentRef: 'FATT-1' })];
    const first = `wl-a-${grantId.slice(0, 8)}`;
    expect((await client.submitClaim(grantId, { claimId: first, kind: 'interim', items: item(100_000) })).status).toBe(
      201,
    );
    const second = await client.submitClaim(grantId, {
      claimId: `wl-b-${grantId.slice(0, 8)}`,
      kind: 'interim',
      items: item(200_000),
    });
    const worklist = await client.expenditureClaims({ grantId }, { at: second.headers['x-event-position']! });
    expect(worklist.status).toBe(200);
    expect(worklist.body).toMatchObject({
      total: 2,
      items: [
        { claimId: first, status: 'submitted', declaredCents: 100_000 },
        { claimId: second.body.claimId, status: 'submitted' },
      ],
    });
    expect(
      (await client.expenditureClaims({}, { at: second.headers['x-event-position']!, key: KEYS.viewer })).status,
    ).toBe(403);
  });

  it('completes a grant through two claims, the final one fixing its entitlement', async () => {
    const { grantId, callId } = await grantAt60Percent();
    await pay(grantId, { kind: 'advance', amountCents: 2_400_000 });
    const interim = (await claim(grantId, 'interim', 6_000_000)).body.claimId as string;
    await verify(interim, 6_000_000);
    expect((await pay(grantId, { kind: 'interim', amountCents: 1_200_000, claimId: interim })).status).toBe(201);
    const final = (await claim(grantId, 'final', 3_000_000)).body.claimId as string;
    expect((await claim(grantId, 'interim', 1)).body.code).toBe('CLAIMS_CLOSED');
    // EUR 1,000 of the final claim is not eligible: 89,000 verified in all → 60% = EUR 53,400; EUR 6,600 go back to the call now.
    const verified = await verify(final, 2_900_000, [
      { item: 0, amountCents: 100_000, reason: 'Spesa non ammissibile' },
    ]);
    expect(verified.status).toBe(200);
    expect((await pay(grantId, { kind: 'final', amountCents: 1_740_000 + 1, claimId: final })).body.code).toBe(
      'PAYMENT_EXCEEDS_VERIFIED',
    );
    const last = await pay(grantId, {
      kind: 'final',
      amountCents: 1_740_000,
      claimId: final,
      actualEndDate: '2026-11-20',
    });
    expect(last.status).toBe(201);
    const at = last.headers['x-event-position']!;
    expect((await client.grant(grantId, { at, key: KEYS.programmeManager })).body).toMatchObject({
      status: 'completed',
      disbursedCents: 5_340_000,
      releasedCents: 660_000,
      actualEndDate: '2026-11-20',
      remainingCents: 0,
    });
    expect((await client.call(callId, { at, key: KEYS.programmeManager })).body).toMatchObject({
      committedCents: 6_000_000,
      releasedCents: 660_000,
      declaredCents: 9_000_000,
      verifiedCents: 8_900_000,
      disbursedCents: 5_340_000,
    });
  });
});
