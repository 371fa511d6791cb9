/**
 * Two API processes on one embedded data directory, as two instances behind a load balancer
 * would share a store: nothing in one process knows what the other is deciding, so only the
 * expected revisions of the appends keep the money right, and only the shared idempotency store
 * keeps a retry that reaches the other process from running twice. The totals are read from the
 * event log itself, not from what the processes answered.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { KEYS, removeDataDir, startApi, type ApiProcess } from './support/api-process.js';
import { FundingClient, awardBody, bidBody } from './support/funding-requests.js';

const CALLS = 40;
const AWARD = 1_000_000;

describe('two API processes on one data directory', () => {
  let first: ApiProcess;
  let second: ApiProcess;

  beforeAll(async () => {
    first = await startApi();
    // One projector per store: the second process serves commands and queries only.
    second = await startApi({ dataDir: first.dataDir, env: { RUN_PROJECTOR: 'false', SEED_DEMO_PROGRAMME: 'false' } });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    removeDataDir(first.dataDir);
  });

  it(`${CALLS} calls whose budget covers one award each, two awards per call sent at once through each process: exactly one per call`, async () => {
    const viaFirst = new FundingClient(first.url);
    const viaSecond = new FundingClient(second.url);
    const calls = await Promise.all(
      Array.from({ length: CALLS }, async () => {
        const callId = await viaFirst.openCall({ budgetCents: AWARD, maxGrantCents: AWARD });
        const bids = await Promise.all([
          viaFirst.admissibleBid(callId, { requestedCents: AWARD }),
          viaSecond.admissibleBid(callId, { requestedCents: AWARD }),
        ]);
        await viaFirst.closeAndRank(callId);
        return { callId, bids };
      }),
    );

    const answers = await Promise.all(
      calls.flatMap(({ callId, bids }) => [
        // Each sent again while the other bid is ranked higher and waiting: the awards follow the ranking.
        viaFirst.awardInTurn(callId, awardBody(bids[0], AWARD)),
        viaSecond.awardInTurn(callId, awardBody(bids[1], AWARD)),
      ]),
    );

    // A lost race is decided again on fresh state, so the loser hears why it cannot have the money.
    for (let i = 0; i < CALLS; i++) {
      const pair = [answers[2 * i]!, answers[2 * i + 1]!];
      expect(pair.map((r) => r.status).sort()).toEqual([201, 422]);
      expect(pair.find((r) => r.status === 422)!.body.code).toBe('BUDGET_EXCEEDED');
    }
    const store = SqliteEventStore.open(join(first.dataDir, 'events.db'));
    try {
      for (const { callId } of calls) {
        const committed = (await store.readStream(`call-${callId}`)).filter((e) => e.type === 'CallBudgetCommitted');
        expect(committed).toHaveLength(1);
      }
    } finally {
      await store.close();
    }
  });

  it('reads its own write through the other process: X-Min-Position from one, the query on the other', async () => {
    const viaSecond = new FundingClient(second.url);
    const callId = await viaSecond.openCall();
    const bid = await viaSecond.submitBid(callId, {
      applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
      projectTitle: 'Nido',
      requestedCents: 1_000,
    });
    expect(bid.status).toBe(201);
    const read = await new FundingClient(first.url).bid(bid.body.bidId, { at: bid.headers['x-event-position']! });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ bidId: bid.body.bidId, status: 'submitted' });
  });

  it('runs a command sent with one Idempotency-Key to both processes at once only once, and both answer alike', async () => {
    const callId = await new FundingClient(first.url).openCall();
    const ROUNDS = 20;
    // No bidId in the body: each process would choose its own, so a command run twice would be two bids.
    const pairs = await Promise.all(
      Array.from({ length: ROUNDS }, (_, i) => {
        const submit = (url: string) =>
          new FundingClient(url).submitBid(callId, bidBody({ projectTitle: `Nido aziendale ${i}` }), {
            key: KEYS.applicantService,
            headers: { 'Idempotency-Key': `portal-submission-${i}` },
          });
        return Promise.all([submit(first.url), submit(second.url)]);
      }),
    );

    for (const [viaFirst, viaSecond] of pairs) {
      expect([viaFirst.status, viaSecond.status]).toEqual([201, 201]);
      expect(viaSecond.body).toEqual(viaFirst.body);
      for (const header of ['etag', 'x-event-position', 'x-correlation-id'])
        expect(viaSecond.headers[header]).toBe(viaFirst.headers[header]);
      expect(
        [viaFirst.headers['idempotent-replayed'], viaSecond.headers['idempotent-replayed']].filter((h) => h === 'true'),
      ).toHaveLength(1);
    }
    const store = SqliteEventStore.open(join(first.dataDir, 'events.db'));
    try {
      const submitted = (await store.readAll()).filter(
        (e) => e.type === 'BidSubmitted' && (e.data as { callId: string }).callId === callId,
      );
      expect(submitted.map((e) => (e.data as { bidId: string }).bidId).sort()).toEqual(
        pairs.map(([viaFirst]) => viaFirst.body.bidId as string).sort(),
      );
    } finally {
      await store.close();
    }
  });

  it('reads its own write through the process that runs no projector: the command on the first, the query on the second with X-Min-Position', async () => {
    const viaFirst = new FundingClient(first.url);
    const callId = await viaFirst.openCall();
    const bid = await viaFirst.submitBid(callId, bidBody({ projectTitle: 'Ludoteca di quartiere' }));
    expect(bid.status).toBe(201);
    const read = await new FundingClient(second.url).bid(bid.body.bidId, { at: bid.headers['x-event-position']! });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      bidId: bid.body.bidId,
      callId,
      status: 'submitted',
      projectTitle: 'Ludoteca di quartiere',
    });
  });
});
