/**
 * First-come calls ("a sportello") on the real process: bids rank by their place in the log, awards
 * follow that order among admissible bids, and a bid that lands after the call's close is late,
 * even when it was decided while the call looked open.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KEYS, type ApiProcess } from './support/api-process.js';
import { FundingClient, awardBody, bidBody } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

describe('first-come calls and late bids', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient()));
  afterAll(() => stopAndRemove(api));

  const submit = (callId: string, i: number) =>
    client.submitBid(callId, bidBody({ requestedCents: 1_000_000, projectTitle: `Progetto ${i}` }));
  const position = (res: { headers: Record<string, string | undefined> }) =>
    BigInt(res.headers['x-event-position'] ?? '0');

  it('ranks bids by arrival and awards them in that order among the admissible ones', async () => {
    const callId = await client.openCall({ selection: 'first-come', budgetCents: 5_000_000, maxGrantCents: 1_000_000 });
    const submitted = await Promise.all(Array.from({ length: 6 }, (_, i) => submit(callId, i)));
    for (const res of submitted) expect(res.status).toBe(201);
    const byArrival = [...submitted]
      .sort((a, b) => (position(a) < position(b) ? -1 : 1))
      .map((r) => r.body.bidId as string);
    const last = submitted
      .map(position)
      .reduce((a, b) => (a > b ? a : b))
      .toString();

    const listed = await client.bidsOfCall(callId, { order: 'arrival' }, { at: last, key: KEYS.programmeManager });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((b: { bidId: string }) => b.bidId)).toEqual(byArrival);
    expect(listed.body.items.map((b: { arrivalPosition: string }) => b.arrivalPosition)).toEqual(
      [...submitted].map((r) => r.headers['x-event-position']).sort((a, b) => (BigInt(a!) < BigInt(b!) ? -1 : 1)),
    );
    // A first-come call lists by arrival by default.
    const byDefault = (await client.bidsOfCall(callId, {}, { at: last, key: KEYS.programmeManager })).body;
    expect(byDefault.order).toBe('arrival');
    expect(byDefault.items[0]).toMatchObject({ bidId: byArrival[0], rank: 1, late: false });

    // Evaluated in reverse order of arrival: the first to arrive still comes first.
    for (const bidId of [...byArrival].reverse())
      expect((await client.evaluateBid(bidId, { admissible: true, score: 60 })).status).toBe(200);
    const passedOver = await client.awardGrant(callId, awardBody(byArrival[1]!, 1_000_000));
    expect(passedOver.body).toMatchObject({ statusCode: 422, code: 'ARRIVAL_ORDER', waitingBidId: byArrival[0] });
    expect((await client.awardGrant(callId, awardBody(byArrival[0]!, 1_000_000))).status).toBe(201);
    expect((await client.awardGrant(callId, awardBody(byArrival[1]!, 1_000_000))).status).toBe(201);
    // A withdrawn bid no longer holds the line.
    expect((await client.withdrawBid(byArrival[2]!)).status).toBe(200);
    expect((await client.awardGrant(callId, awardBody(byArrival[3]!, 1_000_000))).status).toBe(201);
  });

  it('keeps ranking calls to their ranking: by score, equal scores by arrival, whichever arrived first', async () => {
    const callId = await client.openCall({ budgetCents: 5_000_000, maxGrantCents: 1_000_000 });
    const {
      bidIds: [first, second],
    } = await client.rankedBids(callId, [
      { score: 70, requestedCents: 1_000_000 },
      { score: 90, requestedCents: 1_000_000 },
    ]);
    // The one that arrived first is ranked second: the ranking, not the arrival, says who is funded first.
    expect((await client.awardGrant(callId, awardBody(first!, 1_000_000))).body).toMatchObject({
      statusCode: 422,
      code: 'RANKING_ORDER',
      waitingBidId: second,
    });
    expect((await client.awardGrant(callId, awardBody(second!, 1_000_000))).status).toBe(201);
    expect((await client.awardGrant(callId, awardBody(first!, 1_000_000))).status).toBe(201);
  });

  it('marks as late every bid that lands after a close racing a storm of bids, and never admits one', async () => {
    const callId = await client.openCall({
      selection: 'first-come',
      budgetCents: 100_000_000,
      maxGrantCents: 1_000_000,
    });
    // Each request is sent as it is made: the close goes out between two halves of the storm.
    const storm = Array.from({ length: 100 }, (_, i) => submit(callId, i));
    const closing = client.closeCall(callId);
    storm.push(...Array.from({ length: 100 }, (_, i) => submit(callId, 100 + i)));
    const closed = await closing;
    expect(closed.status).toBe(200);
    const closedAt = position(closed);
    const answers = await Promise.all(storm);
    const accepted = answers.filter((r) => r.status === 201);
    for (const refused of answers.filter((r) => r.status !== 201)) expect(refused.body.code).toBe('CALL_NOT_OPEN');
    expect(accepted.length).toBeGreaterThan(0);

    const at = [closed, ...accepted]
      .map(position)
      .reduce((a, b) => (a > b ? a : b))
      .toString();
    const listed = await client.bidsOfCall(
      callId,
      { order: 'arrival', pageSize: 100 },
      { at, key: KEYS.programmeManager },
    );
    const more = await client.bidsOfCall(
      callId,
      { order: 'arrival', pageSize: 100, page: 2 },
      { at, key: KEYS.programmeManager },
    );
    const items = [...listed.body.items, ...more.body.items] as Array<{
      bidId: string;
      arrivalPosition: string;
      late: boolean;
    }>;
    expect(items).toHaveLength(accepted.length);
    for (const item of items) expect(item.late).toBe(BigInt(item.arrivalPosition) > closedAt);
    const late = items.filter((b) => b.late);
    process.stdout.write(
      `close racing ${storm.length} bids: ${accepted.length} accepted, ${late.length} of them late\n`,
    );

    // A late bid is never found admissible; one on time is.
    for (const bid of late.slice(0, 5)) {
      expect((await client.evaluateBid(bid.bidId, { admissible: true, score: 70 })).body).toMatchObject({
        statusCode: 422,
        code: 'BID_AFTER_CLOSE',
      });
    }
    const onTime = items.find((b) => !b.late)!;
    expect((await client.evaluateBid(onTime.bidId, { admissible: true, score: 70 })).status).toBe(200);
  });
});
