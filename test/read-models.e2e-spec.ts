/**
 * The read side over HTTP: dashboards and queries, read-your-writes with X-Min-Position (no
 * sleeping), validated query parameters, and a rebuild while queries keep answering.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KEYS, bearer, type ApiProcess } from './support/api-process.js';
import { FundingClient, actBody, PROGRAMME_ID, bidBody, awardBody, measureId } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';
import { request } from './support/http.js';

describe('dashboards and queries over HTTP', () => {
  let api: ApiProcess;
  let client: FundingClient;
  /** Raw, for query strings no client would send; the answers are still checked against the document. */
  const get = (path: string) => request(api.url).get(path).set(bearer(KEYS.viewer));

  beforeAll(async () => ({ api, client } = await startApiWithClient({ env: { MIN_POSITION_WAIT_MS: '2000' } })));
  afterAll(() => stopAndRemove(api));

  it("shows a command's effect to a query that carries its X-Event-Position, without sleeping", async () => {
    const opened = await client.tryOpenCall({
      callId: 'ryw-call',
      programmeId: 'wecare',
      measureId: 'wecare-m2',
      title: 'Innovazione sociale del terzo settore',
      budgetCents: 50_000_000,
      opensAt: new Date(Date.now() - 3_600_000).toISOString(),
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      eligibleApplicantTypes: ['third-sector', 'volunteer-association'],
    });
    const res = await client.call('ryw-call', { at: opened.headers['x-event-position'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      callId: 'ryw-call',
      status: 'open',
      budgetCents: 50_000_000,
      remainingCents: 50_000_000,
      acceptingBids: true,
    });
  });

  it('follows a grant through the dashboard, the call, its bids and the disbursement ledger', async () => {
    const callId = await client.openCall({
      measureId: measureId('M1'),
      budgetCents: 80_000_000,
      maxGrantCents: 30_000_000,
      eligibleApplicantTypes: ['social-services-body', 'third-sector'],
    });
    const bids: string[] = [];
    for (const [score, name] of [
      [72, 'Consorzio Monviso Solidale'],
      [91, 'CISS Pinerolo'],
      [85, 'Cooperativa Arcobaleno'],
    ] as const) {
      const submitted = await client.submitBid(
        callId,
        bidBody({
          applicant: { type: 'social-services-body', taxCode: '94513000018', name },
          requestedCents: 25_000_000,
        }),
      );
      await client.evaluateBid(submitted.body.bidId, { admissible: true, score });
      bids.push(submitted.body.bidId);
    }
    const withdrawn = await client.submitBid(
      callId,
      bidBody({
        applicant: { type: 'third-sector', taxCode: '97512340011', name: 'APS Ritirata' },
        requestedCents: 1_000_000,
      }),
    );
    await client.withdrawBid(withdrawn.body.bidId);
    // Closed and ranked: the best bid (91) is first in the ranking, and awarded.
    await client.closeAndRank(callId);
    const award = await client.awardGrant(callId, awardBody(bids[1]!, 24_000_000));
    const grantId = award.body.grantId as string;
    await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 9_600_000, reference: 'MAND-1' });
    const last = await client.revokeGrant(grantId, {
      reason: 'Partial irregularity',
      amountCents: 4_000_000,
      act: actBody(),
    });
    const at = last.headers['x-event-position'];

    const call = await client.call(callId, { at });
    expect(call.body).toMatchObject({
      committedCents: 24_000_000,
      releasedCents: 4_000_000,
      remainingCents: 80_000_000 - 24_000_000 + 4_000_000,
      grantCount: 1,
      bids: {
        total: 4,
        byStatus: { submitted: 0, admissible: 2, inadmissible: 0, withdrawn: 1, awarded: 1 },
        byApplicantType: { 'social-services-body': 3, 'third-sector': 1 },
      },
    });

    const ranked = await client.bidsOfCall(callId, {}, { at });
    expect(ranked.body.total).toBe(4);
    expect(ranked.body.items.map((b: { score: number | null; rank: number | null }) => [b.score, b.rank])).toEqual([
      [91, 1],
      [85, 2],
      [72, 3],
      [null, null],
    ]);
    const admissible = await client.bidsOfCall(callId, { status: 'admissible', pageSize: 1, page: 2 }, { at });
    expect(admissible.body).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [{ score: 72, rank: 2 }] });

    const grant = await client.grant(grantId, { at });
    expect(grant.body).toMatchObject({
      callId,
      bidId: bids[1],
      beneficiary: { name: 'CISS Pinerolo' },
      originalAwardCents: 24_000_000,
      currentAwardCents: 20_000_000,
      disbursedCents: 9_600_000,
      remainingCents: 10_400_000,
      releasedCents: 4_000_000,
      recoveryDueCents: 0,
      status: 'active',
      disbursements: [{ kind: 'advance', amountCents: 9_600_000, reference: 'MAND-1' }],
    });
    // Issue #27: the 2021-2027 demo's FSE pays 40% EU, 42% State, 18% region; each split from its figure.
    expect(grant.body).toMatchObject({
      cofinancing: { euBp: 4000, nationalBp: 4200, regionalBp: 1800 },
      priorityAxis: '3',
      awardSplit: { euCents: 8_000_000, nationalCents: 8_400_000, regionalCents: 3_600_000 },
      paidSplit: { euCents: 3_840_000, nationalCents: 4_032_000, regionalCents: 1_728_000 },
    });
    expect(JSON.stringify(grant.body)).not.toContain('94513000018');
    expect((await client.grants({ callId }, { at })).body).toMatchObject({ total: 1, items: [{ grantId }] });
    expect((await client.bid(bids[0]!, { at })).body).toMatchObject({ status: 'admissible', score: 72 });

    const dashboard = await client.dashboard(PROGRAMME_ID, { at, key: KEYS.auditor });
    const m1 = dashboard.body.measures.find((m: { measureId: string }) => m.measureId === measureId('M1'));
    expect(m1).toMatchObject({
      allocationCents: 640_000_000,
      reservedCents: 80_000_000,
      committedCents: 24_000_000,
      releasedCents: 4_000_000,
      disbursedCents: 9_600_000,
      unreservedCents: 560_000_000,
      availableCents: 620_000_000,
      absorption: 0.015,
    });
    const fse = dashboard.body.funds.find((f: { fund: string }) => f.fund === 'FSE');
    expect(fse).toMatchObject({
      amountCents: 1_500_000_000,
      allocatedCents: 1_500_000_000,
      committedCents: 24_000_000,
      disbursedCents: 9_600_000,
      cofinancing: { euBp: 4000, nationalBp: 4200, regionalBp: 1800 },
    });
    type Split = { euCents: number; nationalCents: number; regionalCents: number } | null;
    const parts = (split: Split) => (split === null ? [] : [split.euCents, split.nationalCents, split.regionalCents]);
    const sum = (split: Split) => parts(split).reduce((a, b) => a + b, 0);
    const { committedSplit, paidSplit, committedCents, releasedCents, disbursedCents, recoveredCents } = fse!;
    expect(sum(committedSplit)).toBe(committedCents - releasedCents);
    expect(sum(paidSplit)).toBe(disbursedCents - recoveredCents);
    expect(parts(paidSplit)).toEqual([3_840_000, 4_032_000, 1_728_000]);
  });

  it('lists calls by status and measure, with bounded pages', async () => {
    const res = await client.calls({ measureId: 'wecare-m2', status: 'open' });
    expect(res.status).toBe(200);
    expect(
      res.body.items.every(
        (c: { measureId: string; status: string }) => c.measureId === 'wecare-m2' && c.status === 'open',
      ),
    ).toBe(true);
    expect((await client.calls({ pageSize: 101 })).status).toBe(400);
    expect((await client.calls({ page: 0 })).status).toBe(400);
  });

  it.each([
    ['/calls?status[$ne]=x', 'FORBIDDEN_KEY'],
    ['/calls?status%5B%24ne%5D=x', 'FORBIDDEN_KEY'],
    ['/calls?$where=1', 'FORBIDDEN_KEY'],
    ['/calls?status.x=1', 'FORBIDDEN_KEY'],
    ['/calls?status=open&status=closed', 'VALIDATION_FAILED'],
    ['/calls?status=%7B%22%24ne%22%3Anull%7D', 'VALIDATION_FAILED'],
    ['/calls?sort=budgetCents', 'VALIDATION_FAILED'],
    ['/grants?callId=x%27%20OR%201%3D1', 'VALIDATION_FAILED'],
  ])('refuses the query %s with 400 %s', async (path, code) => {
    const res = await get(path);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code });
  });

  it('answers 503 with Retry-After when the read models cannot reach the position in time', async () => {
    const res = await client.calls({}, { at: '999999999' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.code).toBe('READ_MODELS_BEHIND');
    expect((await client.calls({}, { at: 'soon' })).status).toBe(400);
  });

  it('keeps reads to the reading roles', async () => {
    expect((await client.calls({}, { key: KEYS.applicantService })).status).toBe(403);
    expect((await request(api.url).get('/calls')).status).toBe(401);
    for (const key of [KEYS.viewer, KEYS.auditor, KEYS.programmeManager, KEYS.evaluator, KEYS.financeOfficer])
      expect((await client.calls({}, { key })).status).toBe(200);
  });

  it('shows each projection and its lag in /health', async () => {
    const { projections } = await client.readModelsHealth();
    expect(projections.map((p) => p.projection)).toEqual([
      'programme-dashboards',
      'call-summaries',
      'bid-summaries',
      'grant-summaries',
      'expenditure-claims',
      'irregularities',
      'accounting-dashboards',
      'open-data-operations',
    ]);
    for (const p of projections)
      expect(p).toMatchObject({ state: 'live', lag: expect.stringMatching(/^\d+$/), failure: null });
  });

  it('rebuilds the read models into a new generation while queries keep answering', async () => {
    const before = await client.dashboard('wecare');
    const { generation } = await client.readModelsHealth();
    const started = await client.rebuildReadModels();
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ started: true });
    // Queries answer throughout.
    for (;;) {
      const during = await client.dashboard('wecare');
      expect(during.status).toBe(200);
      const health = await client.readModelsHealth();
      if (health.generation > generation && !health.rebuilding) break;
    }
    const after = await client.dashboard('wecare');
    expect(after.body).toEqual(before.body);
  });
});
