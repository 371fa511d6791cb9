/**
 * A ranking call's selection over HTTP, through the typed client: the ranking approved by its act
 * once the call is closed and every bid evaluated; awards down the ranking; bids passed over by an
 * act with their reason, and a bid passed over for insufficient funds funded when money comes back
 * ("scorrimento"); the appeal deadlines; GBER's maximum aid intensity.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KEYS, type ApiProcess } from './support/api-process.js';
import { FundingClient, actBody, awardBody, bidBody, dayFromNow, openCallBody } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

describe('ranking calls', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient()));
  afterAll(() => stopAndRemove(api));

  const submit = async (callId: string, requestedCents: number, title: string) => {
    const res = await client.submitBid(callId, bidBody({ requestedCents, projectTitle: title }));
    expect(res.status).toBe(201);
    return res.body.bidId as string;
  };
  const addDays = (day: string, days: number) =>
    new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

  it('approves the ranking of a closed call whose bids are all evaluated, by its act, and awards down it, passing over and coming back as money moves', async () => {
    const callId = await client.openCall({ budgetCents: 30_000_000, maxGrantCents: 20_000_000 });
    const a = await submit(callId, 20_000_000, 'Nido aziendale');
    const b = await submit(callId, 15_000_000, 'Mensa solidale');
    const c = await submit(callId, 5_000_000, 'Sportello famiglie');
    const d = await submit(callId, 5_000_000, 'Progetto incompleto');
    const e = await submit(callId, 5_000_000, 'Progetto ritirato');
    expect((await client.withdrawBid(e)).status).toBe(200);

    // Open, then closed with a bid still to evaluate: refused, with how many and which.
    expect((await client.approveRanking(callId)).body).toMatchObject({ statusCode: 422, code: 'CALL_NOT_CLOSED' });
    expect((await client.closeCall(callId)).status).toBe(200);
    for (const [bidId, score] of [
      [a, 90],
      [b, 80],
    ] as const)
      expect((await client.evaluateBid(bidId, { admissible: true, score })).status).toBe(200);
    expect((await client.approveRanking(callId)).body).toMatchObject({
      statusCode: 422,
      code: 'BIDS_NOT_EVALUATED',
      notEvaluated: 2,
    });
    expect((await client.evaluateBid(c, { admissible: true, score: 80 })).status).toBe(200);
    expect((await client.evaluateBid(d, { admissible: false })).status).toBe(200);
    // Awards wait for the ranking; an act is never dated after today.
    expect((await client.awardGrant(callId, awardBody(a, 20_000_000))).body).toMatchObject({
      statusCode: 422,
      code: 'RANKING_NOT_APPROVED',
    });
    expect((await client.approveRanking(callId, { act: actBody({ date: dayFromNow(2) }) })).body).toMatchObject({
      statusCode: 422,
      code: 'ACT_DATE_IN_FUTURE',
    });

    const act = actBody({ number: 'D.D. 412/2026', date: dayFromNow(-1) });
    const ranked = await client.approveRanking(callId, { act });
    expect(ranked.status).toBe(200);
    expect(ranked.body).toMatchObject({ callId });
    expect(ranked.headers['etag']).toBe(`"${ranked.body.revision}"`);
    expect((await client.approveRanking(callId)).body).toMatchObject({
      statusCode: 422,
      code: 'RANKING_ALREADY_APPROVED',
    });

    // The call shows its ranking and the days to appeal it: 60 to the TAR, 120 to the President of the Republic.
    const at = ranked.headers['x-event-position'];
    const call = await client.call(callId, { at });
    expect(call.body).toMatchObject({
      status: 'closed',
      ranking: { act, rankedCount: 3 },
      appealDeadlines: { tar: addDays(act.date, 60), president: addDays(act.date, 120) },
      passedOver: [],
    });
    // By rank: a (90), then b and c (80: b arrived first), then the bids not in it.
    const byRank = await client.bidsOfCall(callId, { order: 'rank' }, { at, key: KEYS.programmeManager });
    expect(byRank.body.order).toBe('rank');
    expect(byRank.body.items.map((bid) => [bid.bidId, bid.rank, bid.score, bid.status])).toEqual([
      [a, 1, 90, 'admissible'],
      [b, 2, 80, 'admissible'],
      [c, 3, 80, 'admissible'],
      [d, null, null, 'inadmissible'],
      [e, null, null, 'withdrawn'],
    ]);
    expect((await client.bid(b, { at, key: KEYS.programmeManager })).body).toMatchObject({ rank: 2, passedOver: null });

    // Down the ranking: c waits behind b.
    expect((await client.awardGrant(callId, awardBody(a, 20_000_000))).status).toBe(201);
    expect((await client.awardGrant(callId, awardBody(c, 5_000_000))).body).toMatchObject({
      statusCode: 422,
      code: 'RANKING_ORDER',
      waitingBidId: b,
    });
    // EUR 100,000 left, b asks EUR 150,000: passed over for insufficient funds (only b heads the line; c could be funded).
    expect((await client.passOverBid(c, { reason: 'insufficient-funds', act: actBody() })).body).toMatchObject({
      statusCode: 422,
      code: 'RANKING_ORDER',
      waitingBidId: b,
    });
    expect(
      (await client.passOverBid(b, { reason: 'insufficient-funds', act: actBody({ date: dayFromNow(3) }) })).body,
    ).toMatchObject({ statusCode: 422, code: 'ACT_DATE_IN_FUTURE' });
    const passAct = actBody({ number: 'D.D. 430/2026' });
    const passed = await client.passOverBid(b, { reason: 'insufficient-funds', act: passAct });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ bidId: b });
    expect((await client.passOverBid(c, { reason: 'insufficient-funds', act: actBody() })).body).toMatchObject({
      statusCode: 422,
      code: 'FUNDS_AVAILABLE',
      remainingCents: 10_000_000,
    });
    const toC = await client.awardGrant(callId, awardBody(c, 5_000_000));
    expect(toC.status).toBe(201);
    expect((await client.awardGrant(callId, awardBody(b, 5_000_000))).body).toMatchObject({
      statusCode: 422,
      code: 'BID_PASSED_OVER',
    });

    // a renounces half its grant: EUR 100,000 back, EUR 150,000 left, and b first in the line again.
    const grantOfA = (
      await client.grants({ callId }, { at: toC.headers['x-event-position'], key: KEYS.programmeManager })
    ).body.items.find((g) => g.bidId === a)!.grantId;
    const revocationAct = actBody({ number: 'D.D. 455/2026' });
    const revoked = await client.revokeGrant(grantOfA, {
      reason: 'Rinuncia parziale del beneficiario',
      amountCents: 10_000_000,
      act: revocationAct,
    });
    expect(revoked.status).toBe(200);
    const afterRevocation = await client.call(callId, {
      at: revoked.headers['x-event-position'],
      key: KEYS.programmeManager,
    });
    expect(afterRevocation.body).toMatchObject({
      remainingCents: 15_000_000,
      passedOver: [{ bidId: b, reason: 'insufficient-funds', act: passAct }],
      bids: { byStatus: { 'passed-over': 1, awarded: 2 } },
    });
    expect(
      (await client.grant(grantOfA, { at: revoked.headers['x-event-position'], key: KEYS.programmeManager })).body,
    ).toMatchObject({ revocations: [{ act: revocationAct }] });
    const toB = await client.awardGrant(callId, awardBody(b, 15_000_000));
    expect(toB.status).toBe(201);
    expect((await client.passOverBid(b, { reason: 'declined', act: actBody() })).body).toMatchObject({
      statusCode: 422,
      code: 'BID_ALREADY_AWARDED',
    });
    const final = await client.bidsOfCall(
      callId,
      { order: 'rank' },
      { at: toB.headers['x-event-position'], key: KEYS.programmeManager },
    );
    expect(final.body.items.slice(0, 3).map((bid) => [bid.rank, bid.status])).toEqual([
      [1, 'awarded'],
      [2, 'awarded'],
      [3, 'awarded'],
    ]);
    expect(final.body.items[1]).toMatchObject({ passedOver: { reason: 'insufficient-funds', act: passAct } });
  });

  it('passes over a bid that declined for good, and keeps first-come calls out of rankings', async () => {
    const callId = await client.openCall({ budgetCents: 30_000_000, maxGrantCents: 10_000_000 });
    const {
      bidIds: [first, second],
    } = await client.rankedBids(callId, [
      { score: 95, requestedCents: 10_000_000 },
      { score: 60, requestedCents: 10_000_000 },
    ]);
    const declined = await client.passOverBid(first!, { reason: 'declined', act: actBody() });
    expect(declined.status).toBe(200);
    expect((await client.awardGrant(callId, awardBody(first!, 10_000_000))).body).toMatchObject({
      statusCode: 422,
      code: 'BID_PASSED_OVER',
    });
    expect((await client.awardGrant(callId, awardBody(second!, 10_000_000))).status).toBe(201);

    const firstCome = await client.openCall({ selection: 'first-come' });
    const bidId = await client.admissibleBid(firstCome);
    expect((await client.closeCall(firstCome)).status).toBe(200);
    expect((await client.approveRanking(firstCome)).body).toMatchObject({
      statusCode: 422,
      code: 'NOT_A_RANKING_CALL',
    });
    expect((await client.passOverBid(bidId, { reason: 'declined', act: actBody() })).body).toMatchObject({
      statusCode: 422,
      code: 'NOT_A_RANKING_CALL',
    });
  });

  it("caps an award under GBER at the article's maximum aid intensity of the operation's eligible cost", async () => {
    expect((await client.tryOpenCall(openCallBody({ ...openGber(), gber: undefined }))).body).toMatchObject({
      statusCode: 422,
      code: 'INVALID_INPUT',
    });
    const callId = await client.openCall(openGber());
    const {
      bidIds: [bidId],
    } = await client.rankedBids(callId, [{ score: 70, requestedCents: 6_000_000 }]);
    const rna = { cor: 'COR-GBER-1' };
    // An operation of EUR 100,000 at 50%: at most EUR 50,000.
    const operation = (cost: number) => ({
      plannedStartDate: dayFromNow(-30),
      plannedEndDate: dayFromNow(300),
      istatMunicipalityCode: '001272',
      totalEligibleCostCents: cost,
    });
    const above = await client.awardGrant(
      callId,
      awardBody(bidId!, 5_000_001, { rna, operation: operation(10_000_000) }),
    );
    expect(above.body).toMatchObject({
      statusCode: 422,
      code: 'AID_INTENSITY_EXCEEDED',
      maxIntensityBp: 5000,
      maxAwardCents: 5_000_000,
    });
    const awarded = await client.awardGrant(
      callId,
      awardBody(bidId!, 5_000_000, { rna, operation: operation(10_000_000) }),
    );
    expect(awarded.status).toBe(201);
    const shown = await client.call(callId, { at: awarded.headers['x-event-position'], key: KEYS.programmeManager });
    expect(shown.body.gber).toEqual({ article: 'art. 31', maxIntensityBp: 5000 });
  });

  const openGber = () => ({
    aidRegime: 'gber' as const,
    gber: { article: 'art. 31', maxIntensityBp: 5000 },
    budgetCents: 10_000_000,
    maxGrantCents: 10_000_000,
  });
});
