/**
 * The whole funding lifecycle over HTTP against the real process, on the WECARE programme it
 * loads at first start.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { KEYS, type ApiProcess } from './support/api-process.js';
import { FundingClient, actBody, bidBody, openCallBody, awardBody, measureId } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';
import { request } from './support/http.js';
import { DOCUMENT_FILE } from './support/openapi-contract.js';

describe('the funding lifecycle over HTTP', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient()));
  afterAll(() => stopAndRemove(api));

  it('reports the store in /health, with the demo programmes already loaded (WECARE and the 2021-2027 one: 6 events each)', async () => {
    const res = await client.health();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      eventStore: {
        adapter: 'embedded',
        status: 'ok',
        headPosition: '12',
        durability: { journalMode: 'wal', synchronous: 'FULL' },
      },
    });
  });

  it('runs a call from opening to revocation, each write answering with its ETag and event position', async () => {
    const opened = await client.tryOpenCall(openCallBody({ callId: 'wecare-m4-2026', budgetCents: 250_000_000 }));
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ callId: 'wecare-m4-2026', revision: 0 });
    expect(opened.headers['etag']).toBe('"0"');
    expect(Number(opened.headers['x-event-position'])).toBeGreaterThan(12);

    const bid = await client.submitBid('wecare-m4-2026', bidBody({ bidId: 'officine-nido' }));
    expect(bid.status).toBe(201);
    expect(bid.body).toMatchObject({ bidId: 'officine-nido', callId: 'wecare-m4-2026' });

    const evaluated = await client.evaluateBid('officine-nido', { admissible: true, score: 86 });
    expect(evaluated.status).toBe(200);
    expect(evaluated.headers['etag']).toBe('"1"');

    // A ranking call awards by its ranking: closed, every bid evaluated, the ranking approved by its act.
    const early = await client.awardGrant('wecare-m4-2026', awardBody('officine-nido', 12_000_000));
    expect(early.body).toMatchObject({ statusCode: 422, code: 'RANKING_NOT_APPROVED' });
    expect((await client.closeCall('wecare-m4-2026')).status).toBe(200);
    const ranked = await client.approveRanking('wecare-m4-2026', { act: actBody({ number: 'D.D. 412/2026' }) });
    expect(ranked.status).toBe(200);
    expect(ranked.body).toMatchObject({ callId: 'wecare-m4-2026', revision: 2 });
    expect(ranked.headers['etag']).toBe('"2"');

    const awarded = await client.awardGrant(
      'wecare-m4-2026',
      awardBody('officine-nido', 12_000_000, { grantId: 'cup-j19e17000450009' }),
    );
    expect(awarded.status).toBe(201);
    expect(awarded.body).toMatchObject({ grantId: 'cup-j19e17000450009', revision: 0 });
    expect(Number(awarded.headers['x-event-position'])).toBeGreaterThan(Number(ranked.headers['x-event-position']));

    const advance = await client.recordDisbursement('cup-j19e17000450009', {
      kind: 'advance',
      amountCents: 4_800_000,
      reference: 'MAND-2026-0001',
    });
    expect(advance.status).toBe(201);
    expect(advance.body).toMatchObject({ grantId: 'cup-j19e17000450009', revision: 1 });
    expect(typeof advance.body.disbursementId).toBe('string');

    // The beneficiary claims EUR 100k of expenditure, a controller verifies it: the interim payment settles that claim.
    const claimId = await client.verifiedClaim('cup-j19e17000450009', 10_000_000);
    const interim = await client.recordDisbursement('cup-j19e17000450009', {
      disbursementId: 'sal-1',
      kind: 'interim',
      amountCents: 5_200_000,
      claimId,
    });
    expect(interim.status).toBe(201);

    // Paid 10M of 12M; the award is cut by 5M to 7M: 2M go back to the call, 3M are to be recovered.
    const revoked = await client.revokeGrant('cup-j19e17000450009', {
      reason: 'Activities not carried out as approved',
      amountCents: 5_000_000,
      act: actBody(),
    });
    expect(revoked.status).toBe(200);
    expect(revoked.headers['etag']).toBe('"5"');

    const overpaid = await client.recordDisbursement('cup-j19e17000450009', {
      kind: 'interim',
      amountCents: 1,
      claimId,
    });
    expect(overpaid.status).toBe(422);
    expect(overpaid.body).toEqual({ statusCode: 422, code: 'DISBURSEMENT_EXCEEDS_GRANT', message: expect.any(String) });

    const whole = await client.revokeGrant('cup-j19e17000450009', { reason: 'Fraud established', act: actBody() });
    expect(whole.status).toBe(200);
    const again = await client.revokeGrant('cup-j19e17000450009', { reason: 'Twice', act: actBody() });
    expect(again.body.code).toBe('GRANT_ALREADY_REVOKED');
  });

  it('completes a grant with its final payment, and closes a call', async () => {
    // First-come: the grant is awarded while the call is open, and the close comes after.
    const callId = await client.openCall({ budgetCents: 30_000_000, selection: 'first-come' });
    const grantId = await client.newGrant(callId, 10_000_000);
    expect((await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 4_000_000 })).status).toBe(201);
    // The final claim: EUR 95k of expenditure verified, at 100% intensity; the advance is offset against it.
    const claimId = await client.verifiedClaim(grantId, 9_500_000, 'final');
    const final = await client.recordDisbursement(grantId, { kind: 'final', amountCents: 5_500_000, claimId });
    expect(final.status).toBe(201);
    const after = await client.recordDisbursement(grantId, { kind: 'interim', amountCents: 1, claimId });
    expect(after.body.code).toBe('GRANT_NOT_ACTIVE');

    expect((await client.closeCall(callId)).status).toBe(200);
    const late = await client.submitBid(callId, bidBody());
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('CALL_NOT_OPEN');
  });

  it('cancels a call without grants, releasing its reservation for a new call', async () => {
    // M5 has EUR 1M: a call of 1M, cancelled, leaves room for another call of 1M.
    const first = await client.openCall({ measureId: measureId('M5'), budgetCents: 100_000_000, maxGrantCents: null });
    const refused = await client.tryOpenCall(
      openCallBody({ measureId: measureId('M5'), budgetCents: 1, maxGrantCents: 1 }),
    );
    expect(refused.body.code).toBe('MEASURE_ALLOCATION_EXCEEDED');
    expect((await client.cancelCall(first, { reason: 'Rewritten' })).status).toBe(200);
    expect(
      (
        await client.tryOpenCall(
          openCallBody({ measureId: measureId('M5'), budgetCents: 100_000_000, maxGrantCents: null }),
        )
      ).status,
    ).toBe(201);
  });

  it('defines a programme and measures of its own (ids generated when not given)', async () => {
    const programme = await client.establishProgramme({
      code: 'INNOSOC',
      title: 'Innovazione sociale 2027',
      funds: [{ fund: 'FSE', amountCents: 100_000_000 }],
    });
    expect(programme.status).toBe(201);
    expect(programme.body.programmeId).toMatch(/^[0-9a-f-]{36}$/);
    const defineAction = (n: number, allocationCents: number) =>
      client.defineMeasure(programme.body.programmeId, {
        code: `A${n}`,
        title: `Azione ${n}`,
        fund: 'FSE',
        allocationCents,
      });
    const measure = await defineAction(1, 60_000_000);
    expect(measure.status).toBe(201);
    expect(measure.headers['etag']).toBe('"1"');
    const tooMuch = await defineAction(2, 40_000_001);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe('FUND_AMOUNT_EXCEEDED');
  });

  it('answers 404 for unknown entities and 409 for ids already used', async () => {
    expect((await client.recordDisbursement('no-such-grant', { kind: 'advance', amountCents: 1 })).body).toMatchObject({
      statusCode: 404,
      code: 'GRANT_NOT_FOUND',
    });
    expect((await client.submitBid('no-such-call', bidBody())).body).toMatchObject({
      statusCode: 404,
      code: 'CALL_NOT_FOUND',
    });
    expect(
      (await client.defineMeasure('nowhere', { code: 'X', title: 'X', fund: 'FSE', allocationCents: 1 })).status,
    ).toBe(404);
    const callId = await client.openCall();
    await client.submitBid(callId, bidBody({ bidId: 'dup-bid' }));
    const dup = await client.submitBid(callId, bidBody({ bidId: 'dup-bid' }));
    expect(dup.body).toMatchObject({ statusCode: 409, code: 'BID_ALREADY_EXISTS' });
  });

  it('honours If-Match: a stale revision is 412 and writes nothing, the current one goes through', async () => {
    const callId = await client.openCall({ budgetCents: 30_000_000 });
    const grantId = await client.newGrant(callId);
    const stale = await client.recordDisbursement(
      grantId,
      { kind: 'advance', amountCents: 100 },
      { key: KEYS.financeOfficer, headers: { 'If-Match': '"7"' } },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('STALE_REVISION');
    const current = await client.recordDisbursement(
      grantId,
      { kind: 'advance', amountCents: 100 },
      { key: KEYS.financeOfficer, headers: { 'If-Match': '"0"' } },
    );
    expect(current.status).toBe(201);
    expect(current.headers['etag']).toBe('"1"');
    const replayed = await client.recordDisbursement(
      grantId,
      { kind: 'interim', amountCents: 100 },
      { key: KEYS.financeOfficer, headers: { 'If-Match': '"0"' } },
    );
    expect(replayed.status).toBe(412);
  });

  it('publishes the contract as OpenAPI: Swagger UI at /docs and JSON at /docs-json, the document libs/client is generated from', async () => {
    const json = await request(api.url).get('/docs-json');
    expect(json.status).toBe(200);
    // libs/client/openapi.json is what the API serves (`npm run openapi` writes it).
    if (!isDeepStrictEqual(json.body, JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8')))) {
      throw new Error(
        'libs/client/openapi.json is not the document the API serves: run `npm run openapi` and commit the result',
      );
    }
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining([
        '/programmes',
        '/programmes/{programmeId}/measures',
        '/calls',
        '/calls/{callId}/close',
        '/calls/{callId}/cancel',
        '/calls/{callId}/bids',
        '/bids/{bidId}/withdraw',
        '/bids/{bidId}/evaluation',
        '/calls/{callId}/ranking',
        '/bids/{bidId}/pass-over',
        '/calls/{callId}/awards',
        '/grants/{grantId}/disbursements',
        '/grants/{grantId}/revocation',
        '/grants/{grantId}/expenditure-claims',
        '/expenditure-claims/{claimId}/verification',
        '/expenditure-claims',
        '/grants/{grantId}/recovery-orders',
        '/grants/{grantId}/recovery-receipts',
        '/grants/{grantId}/recovery-write-off',
      ]),
    );
    expect(json.body.components.schemas.AwardGrantDto.properties.amountCents).toMatchObject({
      type: 'integer',
      minimum: 0,
    });
    const ui = await request(api.url).get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
