/**
 * Two API processes on one embedded data directory, as two instances behind a load balancer
 * would share a store: nothing in one process knows what the other is deciding, so only the
 * expected revisions of the appends keep the money right. The totals are read from the event
 * log itself, not from what the processes answered.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { KEYS, removeDataDir, startApi, type ApiProcess } from './support/api-process.js';
import { FundingClient, awardBody } from './support/funding-requests.js';

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
        const bids = await Promise.all([viaFirst.admissibleBid(callId, { requestedCents: AWARD }), viaSecond.admissibleBid(callId, { requestedCents: AWARD })]);
        return { callId, bids };
      }),
    );

    const answers = await Promise.all(
      calls.flatMap(({ callId, bids }) => [
        viaFirst.post(`/calls/${callId}/awards`, KEYS.programmeManager, awardBody(bids[0], AWARD)),
        viaSecond.post(`/calls/${callId}/awards`, KEYS.programmeManager, awardBody(bids[1], AWARD)),
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
    const bid = await viaSecond.post(`/calls/${callId}/bids`, KEYS.applicantService, { applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' }, projectTitle: 'Nido', requestedCents: 1_000 });
    expect(bid.status).toBe(201);
    const { default: request } = await import('supertest');
    const read = await request(first.url).get(`/bids/${bid.body.bidId}`).set('Authorization', `Bearer ${KEYS.viewer}`).set('X-Min-Position', bid.headers['x-event-position']!);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ bidId: bid.body.bidId, status: 'submitted' });
  });
});
