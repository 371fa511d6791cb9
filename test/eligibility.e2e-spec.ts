/**
 * What is eligible, on the real process: operations inside their programme's eligibility period,
 * items paid inside it and the operation's dates, each on a document claimed once in the programme.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KEYS, type ApiProcess } from './support/api-process.js';
import { expenditureSteps } from './support/expenditure-api.js';
import { awardBody, claimItem, dayFromNow, freshDocument, operationDates } from './support/funding-requests.js';
import type { FundingClient } from './support/funding-client.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

describe('expenditure claims, verifications and recoveries', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient()));
  afterAll(() => stopAndRemove(api));

  const { grantAt60Percent } = expenditureSteps(() => client);

  it("takes an item paid inside the eligibility period and the operation's dates, on a document of at least its amount, and shows both on the grant", async () => {
    const { grantId } = await grantAt60Percent();
    const { plannedStartDate, plannedEndDate } = operationDates();
    const before = await client.submitClaim(grantId, {
      kind: 'interim',
      items: [claimItem(100_000), claimItem(100_000, { paidOn: '2020-12-31' })],
    });
    expect(before.body).toMatchObject({
      statusCode: 422,
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      itemIndex: 1,
      paidOn: '2020-12-31',
      eligibleFrom: plannedStartDate,
      eligibleTo: plannedEndDate,
    });
    const after = await client.submitClaim(grantId, {
      kind: 'interim',
      items: [claimItem(100_000, { paidOn: dayFromNow(366) })],
    });
    expect(after.body).toMatchObject({ statusCode: 422, code: 'OUTSIDE_ELIGIBILITY_PERIOD', itemIndex: 0 });
    const beyond = await client.submitClaim(grantId, {
      kind: 'interim',
      items: [claimItem(100_001, { document: freshDocument(100_000) })],
    });
    expect(beyond.body).toMatchObject({
      statusCode: 422,
      code: 'ITEM_EXCEEDS_DOCUMENT',
      itemIndex: 0,
      amountCents: 100_001,
      documentAmountCents: 100_000,
    });
    expect(
      (
        await client.submitClaim(grantId, {
          kind: 'interim',
          items: [{ ...claimItem(1), document: { ...freshDocument(1), type: 'ticket' as 'invoice' } }],
        })
      ).status,
    ).toBe(400);

    const invoice = freshDocument(122_000, { type: 'invoice', number: 'FT 7/2026' });
    const taken = await client.submitClaim(grantId, {
      kind: 'interim',
      items: [claimItem(100_000, { paidOn: plannedStartDate, document: invoice })],
    });
    expect(taken.status).toBe(201);
    const grant = await client.grant(grantId, { at: taken.headers['x-event-position']!, key: KEYS.programmeManager });
    expect(grant.body).toMatchObject({
      fundingRateBp: 6000,
      claims: [{ items: [{ amountCents: 100_000, paidOn: plannedStartDate, document: invoice }] }],
    });
  });

  it('claims a document once in the programme: on another grant, or twice in one claim, however it is spelt, it is refused naming the claim that holds it', async () => {
    const first = await grantAt60Percent();
    const second = await grantAt60Percent();
    const invoice = freshDocument(500_000, { number: 'FT 12/2026' });
    const claimed = await client.submitClaim(first.grantId, {
      kind: 'interim',
      items: [claimItem(200_000, { document: invoice })],
    });
    expect(claimed.status).toBe(201);
    const again = await client.submitClaim(second.grantId, {
      kind: 'interim',
      items: [claimItem(300_000, { document: { ...invoice, number: '  ft 12/2026 ' } })],
    });
    expect(again.body).toMatchObject({
      statusCode: 422,
      code: 'DOCUMENT_ALREADY_CLAIMED',
      itemIndex: 0,
      claimId: claimed.body.claimId,
      grantId: first.grantId,
      earlierItemIndex: 0,
    });
    const other = freshDocument(500_000);
    const twice = await client.submitClaim(second.grantId, {
      claimId: `twice-${second.grantId.slice(0, 8)}`,
      kind: 'interim',
      items: [claimItem(100_000, { document: other }), claimItem(100_000, { document: other })],
    });
    expect(twice.body).toMatchObject({
      statusCode: 422,
      code: 'DOCUMENT_ALREADY_CLAIMED',
      itemIndex: 1,
      claimId: `twice-${second.grantId.slice(0, 8)}`,
      grantId: second.grantId,
      earlierItemIndex: 0,
    });
  });

  it('lets one of several claims racing on several grants with the same document take it', async () => {
    const grants = await Promise.all(Array.from({ length: 4 }, () => grantAt60Percent()));
    const invoice = freshDocument(1_000_000);
    const answers = await Promise.all(
      grants.map(({ grantId }) =>
        client.submitClaim(grantId, { kind: 'interim', items: [claimItem(500_000, { document: invoice })] }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 201))
      expect(refused.body).toMatchObject({ statusCode: 422, code: 'DOCUMENT_ALREADY_CLAIMED' });
  });

  it("awards an operation only inside its programme's eligibility period, and never one completed before its application", async () => {
    const callId = await client.openCall({ selection: 'first-come' });
    const bidId = await client.admissibleBid(callId, { requestedCents: 1_000_000 });
    const operation = (plannedStartDate: string, plannedEndDate: string) => ({
      plannedStartDate,
      plannedEndDate,
      istatMunicipalityCode: '001272',
      totalEligibleCostCents: 1_000_000,
    });
    const outside = await client.awardGrant(
      callId,
      awardBody(bidId, 1_000_000, { operation: operation('2020-06-01', dayFromNow(30)) }),
    );
    expect(outside.body).toMatchObject({
      statusCode: 422,
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      plannedStartDate: '2020-06-01',
      eligibleFrom: '2021-01-01',
      eligibleTo: '2029-12-31',
    });
    const completed = await client.awardGrant(
      callId,
      awardBody(bidId, 1_000_000, { operation: operation('2022-01-01', dayFromNow(-2)) }),
    );
    expect(completed.body).toMatchObject({
      statusCode: 422,
      code: 'OPERATION_COMPLETED_BEFORE_APPLICATION',
      plannedEndDate: dayFromNow(-2),
    });
    expect(
      (
        await client.awardGrant(
          callId,
          awardBody(bidId, 1_000_000, { operation: operation('2022-01-01', dayFromNow()) }),
        )
      ).status,
    ).toBe(201);
    // WECARE (2014-2020) took operations until 31 December 2023: none today.
    const dashboard = await client.dashboard('wecare');
    expect(dashboard.body.rules).toMatchObject({
      programmingPeriod: '2014-2020',
      eligibility: { from: '2014-01-01', to: '2023-12-31' },
    });
    const wecareCall = await client.openCall({
      programmeId: 'wecare',
      measureId: 'wecare-m4',
      selection: 'first-come',
    });
    const wecareBid = await client.admissibleBid(wecareCall, { requestedCents: 1_000_000 });
    expect((await client.awardGrant(wecareCall, awardBody(wecareBid, 1_000_000))).body).toMatchObject({
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      eligibleTo: '2023-12-31',
    });
  });
});
