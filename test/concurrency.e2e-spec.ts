/**
 * Concurrent commands against the real process: the money invariants hold, checked against the
 * event log the server wrote (read from its SQLite file), not against what the server answered.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { SqliteEventStore, type RecordedEvent } from '@app/event-store';
import type { ApiProcess } from './support/api-process.js';
import { FundingClient, awardBody } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

describe('concurrent commands over HTTP', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient()));
  afterAll(() => stopAndRemove(api));

  async function streamEvents(stream: string): Promise<RecordedEvent[]> {
    const store = SqliteEventStore.open(join(api.dataDir, 'events.db'));
    try {
      return await store.readStream(stream);
    } finally {
      await store.close();
    }
  }

  const sum = (events: RecordedEvent[], type: string) =>
    events
      .filter((e) => e.type === type)
      .reduce((total, e) => total + (e.data as { amountCents: number }).amountCents, 0);

  it('50 concurrent awards down a ranking on a call whose budget covers 10: exactly the 10 best ranked succeed, the rest are refused for the budget', async () => {
    const callId = await client.openCall({ budgetCents: 10_000_000, maxGrantCents: 1_000_000 });
    const bids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.admissibleBid(callId, { requestedCents: 1_000_000, projectTitle: `Progetto ${i}` }),
      ),
    );
    const ranked = await client.closeAndRank(callId);

    // Sent at once, each again while a bid ranked higher still waits (RANKING_ORDER): as managers awarding down the ranking together.
    const responses = await Promise.all(bids.map((bidId) => client.awardInTurn(callId, awardBody(bidId, 1_000_000))));

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(responses.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(
      Array(40).fill('BUDGET_EXCEEDED'),
    );
    const call = await streamEvents(`call-${callId}`);
    expect(sum(call, 'CallBudgetCommitted')).toBe(10_000_000);
    expect(call.filter((e) => e.type === 'CallBudgetCommitted')).toHaveLength(10);
    // The 10 awarded are the first 10 of the ranking (equal scores: by arrival), whatever order the awards were decided in.
    const ranking = await client.bidsOfCall(
      callId,
      { order: 'rank', pageSize: 10 },
      { at: ranked.headers['x-event-position'] },
    );
    const awarded = new Set(
      call.filter((e) => e.type === 'CallBudgetCommitted').map((e) => (e.data as { bidId: string }).bidId),
    );
    expect(ranking.body.items.map((b: { rank: number | null }) => b.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(ranking.body.items.map((b: { bidId: string }) => b.bidId))).toEqual(awarded);
  });

  it('50 concurrent payments against one verified claim: their sum never exceeds what it allows', async () => {
    const callId = await client.openCall({ budgetCents: 30_000_000 });
    const grantId = await client.newGrant(callId, 10_000_000);
    // EUR 80k verified, at an aid intensity of 100%: the claim allows EUR 80k of the EUR 100k award.
    const claimId = await client.verifiedClaim(grantId, 8_000_000);

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.recordDisbursement(grantId, { kind: 'interim', claimId, amountCents: 300_000 + (i % 5) * 10_000 }),
      ),
    );

    const accepted = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    for (const r of refused) expect(r.body.code).toBe('PAYMENT_EXCEEDS_VERIFIED');
    const grant = await streamEvents(`grant-${grantId}`);
    const paid = sum(grant, 'DisbursementRecorded');
    expect(paid).toBeLessThanOrEqual(8_000_000);
    expect(grant.filter((e) => e.type === 'DisbursementRecorded')).toHaveLength(accepted.length);
    // 50 tranches of at least 300,000 ask for more than the claim allows, so some were refused, and
    // each refusal means what was left was less than that tranche (at most 340,000).
    expect(refused.length).toBeGreaterThan(0);
    expect(8_000_000 - paid).toBeLessThan(340_000);
  });
});
