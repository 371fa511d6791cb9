/**
 * Irregularities on the real process: recorded on a grant of a programme whose FSE share is
 * co-financed 50 / 35 / 15, their EU share and OLAF deadline, the list of those to report, their
 * follow-up until closed, and who may record and read them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { paths, Schemas } from '@app/client';
import { KEYS, bearer, type ApiProcess } from './support/api-process.js';
import { grantOf60k } from './support/expenditure-api.js';
import { FundingClient, awardBody, operationDates } from './support/funding-requests.js';
import { request } from './support/http.js';
import { reply } from './support/ledger.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

describe('irregularities', () => {
  let api: ApiProcess;
  let client: FundingClient;
  const programmeId = `irr-${process.pid}`;
  let grantId: string;

  const record = (grant: string, body: Schemas['RecordIrregularityDto'], key: string = KEYS.controller) =>
    reply(client.as(key).POST('/grants/{grantId}/irregularities', { params: { path: { grantId: grant } }, body }));
  const followUp = (id: string, body: Schemas['FollowUpIrregularityDto'], key: string = KEYS.controller) =>
    reply(client.as(key).POST('/irregularities/{id}/follow-up', { params: { path: { id } }, body }));
  const irregularity = (id: string, key: string = KEYS.accountingOfficer, at?: string) =>
    reply(
      client.as(key).GET('/irregularities/{id}', {
        params: { path: { id }, header: at === undefined ? {} : { 'X-Min-Position': at } },
      }),
    );
  const list = (
    query: NonNullable<paths['/irregularities']['get']['parameters']['query']>,
    key: string = KEYS.accountingOfficer,
    at?: string,
  ) =>
    reply(
      client.as(key).GET('/irregularities', {
        params: { query, header: at === undefined ? {} : { 'X-Min-Position': at } },
      }),
    );

  const finding = {
    type: 'PROCUREMENT',
    suspectedFraud: false,
    description: 'Supplier chosen without the comparison of quotes the call required',
  };

  beforeAll(async () => {
    ({ api, client } = await startApiWithClient());
    // A programme of its own, its FSE share co-financed 50% EU, 35% national, 15% regional.
    const established = await client.establishProgramme({
      programmeId,
      code: 'IRR',
      title: 'Irregularities test programme',
      funds: [
        { fund: 'FSE', amountCents: 100_000_000, cofinancing: { euBp: 5000, nationalBp: 3500, regionalBp: 1500 } },
      ],
    });
    expect(established.status).toBe(201);
    const measure = await client.defineMeasure(programmeId, {
      measureId: `${programmeId}-m1`,
      code: 'M1',
      title: 'Welfare aziendale',
      fund: 'FSE',
      allocationCents: 50_000_000,
    });
    expect(measure.status).toBe(201);
    const callId = await client.openCall({
      programmeId,
      measureId: `${programmeId}-m1`,
      budgetCents: 20_000_000,
      maxGrantCents: 20_000_000,
      advanceShareBp: 4000,
      selection: 'first-come',
    });
    const bidId = await client.admissibleBid(callId, { requestedCents: 10_000_000 });
    const awarded = await client.awardGrant(
      callId,
      awardBody(bidId, 10_000_000, {
        operation: { ...operationDates(), istatMunicipalityCode: '001272', totalEligibleCostCents: 10_000_000 },
      }),
    );
    expect(awarded.status).toBe(201);
    grantId = awarded.body.grantId as string;
    // The 40% advance: EUR 40,000 paid.
    expect((await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 4_000_000 })).status).toBe(201);
  });
  afterAll(() => stopAndRemove(api));

  it('records a reportable irregularity with its EU share and its OLAF deadline, and a non-reportable one without', async () => {
    // EUR 30,000: EUR 15,000 of EU share, above EUR 10,000. Found 3 November 2023: reported by 29 February 2024.
    const big = await record(grantId, {
      ...finding,
      irregularityId: `${programmeId}-1`,
      firstWrittenFindingOn: '2023-11-03',
      irregularAmountCents: 3_000_000,
    });
    expect(big.status).toBe(201);
    // The answer shows what was established: the split, that it is reportable, and by when.
    expect(big.body).toMatchObject({
      grantId,
      irregularityId: `${programmeId}-1`,
      euCents: 1_500_000,
      nationalCents: 1_050_000,
      regionalCents: 450_000,
      reportable: true,
      reportToOlafBy: '2024-02-29',
    });
    const shown = await irregularity(`${programmeId}-1`, KEYS.accountingOfficer, big.headers['x-event-position']);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      irregularityId: `${programmeId}-1`,
      grantId,
      programmeId,
      measureId: `${programmeId}-m1`,
      fund: 'FSE',
      type: 'PROCUREMENT',
      firstWrittenFindingOn: '2023-11-03',
      irregularAmountCents: 3_000_000,
      cofinancing: { euBp: 5000, nationalBp: 3500, regionalBp: 1500 },
      euCents: 1_500_000,
      nationalCents: 1_050_000,
      regionalCents: 450_000,
      reportable: true,
      reportToOlafBy: '2024-02-29',
      recordedBy: expect.stringContaining('controller'),
      status: 'open',
      latestFollowUp: null,
    });

    // EUR 15,000: EUR 7,500 of EU share, recorded by the programme manager with a generated id.
    const small = await record(
      grantId,
      { ...finding, firstWrittenFindingOn: '2025-02-10', irregularAmountCents: 1_500_000 },
      KEYS.programmeManager,
    );
    expect(small.status).toBe(201);
    const smallId = small.body.irregularityId;
    expect(smallId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await irregularity(smallId, KEYS.auditor, small.headers['x-event-position'])).body).toMatchObject({
      euCents: 750_000,
      reportable: false,
      reportToOlafBy: null,
    });

    // Any suspected fraud is reported, whatever its amount: found 10 February 2025, by 31 May 2025.
    const fraud = await record(grantId, {
      ...finding,
      irregularityId: `${programmeId}-2`,
      firstWrittenFindingOn: '2025-02-10',
      irregularAmountCents: 10_000,
      suspectedFraud: true,
    });
    expect(fraud.status).toBe(201);

    const reportable = await list(
      { reportable: 'true', programmeId },
      KEYS.accountingOfficer,
      fraud.headers['x-event-position'],
    );
    expect(reportable.status).toBe(200);
    // The nearest deadline first.
    expect(reportable.body.items.map((i) => [i.irregularityId, i.reportToOlafBy])).toEqual([
      [`${programmeId}-1`, '2024-02-29'],
      [`${programmeId}-2`, '2025-05-31'],
    ]);
    expect(reportable.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    const others = await list({ reportable: 'false', programmeId });
    expect(others.body.items.map((i) => i.irregularityId)).toEqual([smallId]);
    const all = await list({ programmeId, pageSize: 2 });
    expect(all.body).toMatchObject({ total: 3, pageSize: 2 });
    expect(all.body.items.map((i) => i.irregularityId)).toEqual([`${programmeId}-1`, `${programmeId}-2`]);
  });

  it('follows an irregularity up until it is closed, then takes no more', async () => {
    const id = `${programmeId}-3`;
    expect(
      (
        await record(grantId, {
          ...finding,
          irregularityId: id,
          firstWrittenFindingOn: '2025-06-30',
          irregularAmountCents: 2_500_000,
        })
      ).status,
    ).toBe(201);
    const recovering = await followUp(id, {
      status: 'under-recovery',
      correctedCents: 2_500_000,
      note: 'Recovery ordered',
    });
    expect(recovering.status).toBe(201);
    expect(recovering.body).toMatchObject({ irregularityId: id });
    const closed = await followUp(id, { status: 'closed', recoveredCents: 2_500_000 }, KEYS.programmeManager);
    expect(closed.status).toBe(201);
    expect((await irregularity(id, KEYS.controller, closed.headers['x-event-position'])).body).toMatchObject({
      status: 'closed',
      correctedCents: 2_500_000,
      recoveredCents: 2_500_000,
      followUps: 2,
      latestFollowUp: { status: 'closed', correctedCents: 2_500_000, recoveredCents: 2_500_000, note: null },
    });
    expect((await list({ status: 'closed', programmeId })).body.items.map((i) => i.irregularityId)).toEqual([id]);
    const again = await followUp(id, { status: 'open' });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('IRREGULARITY_CLOSED');
  });

  it('refuses what cannot be recorded, naming the problem', async () => {
    const tooMuch = await record(grantId, {
      ...finding,
      firstWrittenFindingOn: '2025-01-15',
      irregularAmountCents: 4_000_001,
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ code: 'IRREGULAR_AMOUNT_EXCEEDS_PAID', paidCents: 4_000_000 });
    expect(tooMuch.body.message).toContain('4000000');

    const future = await record(grantId, {
      ...finding,
      firstWrittenFindingOn: '2999-01-01',
      irregularAmountCents: 100,
    });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('INVALID_INPUT');
    expect(future.body.message).toContain('firstWrittenFindingOn');

    const badDate = await record(grantId, {
      ...finding,
      firstWrittenFindingOn: '03/11/2025',
      irregularAmountCents: 100,
    });
    expect(badDate.status).toBe(400);
    expect(badDate.body.code).toBe('VALIDATION_FAILED');
    expect(badDate.body.errors?.map((e) => e.field)).toEqual(['firstWrittenFindingOn']);

    const taken = await record(grantId, {
      ...finding,
      irregularityId: `${programmeId}-1`,
      firstWrittenFindingOn: '2025-01-15',
      irregularAmountCents: 100,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('IRREGULARITY_ALREADY_RECORDED');

    const noGrant = await record('no-such-grant', {
      ...finding,
      firstWrittenFindingOn: '2025-01-15',
      irregularAmountCents: 100,
    });
    expect(noGrant.status).toBe(404);
    expect(noGrant.body.code).toBe('GRANT_NOT_FOUND');

    // A programme that states no co-financing: there is no EU share to establish.
    const unsplit = `${programmeId}-unsplit`;
    expect(
      (
        await client.establishProgramme({
          programmeId: unsplit,
          code: 'IRR-U',
          title: 'A programme without a co-financing split',
          funds: [{ fund: 'FSE', amountCents: 100_000_000 }],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await client.defineMeasure(unsplit, {
          measureId: `${unsplit}-m1`,
          code: 'M1',
          title: 'Welfare aziendale',
          fund: 'FSE',
          allocationCents: 50_000_000,
        })
      ).status,
    ).toBe(201);
    const { grantId: seeded } = await grantOf60k(client, { programmeId: unsplit, measureId: `${unsplit}-m1` });
    await client.recordDisbursement(seeded, { kind: 'advance', amountCents: 2_400_000 });
    const unstated = await record(seeded, {
      ...finding,
      firstWrittenFindingOn: '2025-01-15',
      irregularAmountCents: 100,
    });
    expect(unstated.status).toBe(422);
    expect(unstated.body).toMatchObject({ code: 'COFINANCING_NOT_STATED', fund: 'FSE' });

    const unknown = await followUp('no-such-irregularity', { status: 'closed' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('IRREGULARITY_NOT_FOUND');
    const aboveAmount = await followUp(`${programmeId}-1`, { status: 'under-recovery', recoveredCents: 3_000_001 });
    expect(aboveAmount.status).toBe(422);
    expect(aboveAmount.body.code).toBe('INVALID_INPUT');
    expect(aboveAmount.body.message).toContain('recoveredCents');
    const badStatus = await request(api.url)
      .post(`/irregularities/${programmeId}-1/follow-up`)
      .set(bearer(KEYS.controller))
      .send({ status: 'reopened' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors.map((e: { field: string }) => e.field)).toEqual(['status']);
    const badQuery = await request(api.url).get('/irregularities?reportable=maybe').set(bearer(KEYS.controller));
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errors.map((e: { field: string }) => e.field)).toEqual(['reportable']);
    expect((await irregularity('no-such-irregularity')).body.code).toBe('IRREGULARITY_NOT_FOUND');
  });

  it('lets a controller or the programme manager record, and the accounting function and audit read', async () => {
    const body = { ...finding, firstWrittenFindingOn: '2025-01-15', irregularAmountCents: 100 };
    for (const key of [KEYS.financeOfficer, KEYS.accountingOfficer, KEYS.auditor, KEYS.viewer, KEYS.evaluator]) {
      const refused = await record(grantId, body, key);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
      expect((await followUp(`${programmeId}-1`, { status: 'open' }, key)).status).toBe(403);
    }
    for (const key of [KEYS.financeOfficer, KEYS.viewer, KEYS.applicantService, KEYS.evaluator]) {
      expect((await list({}, key)).status).toBe(403);
      expect((await irregularity(`${programmeId}-1`, key)).status).toBe(403);
    }
    for (const key of [KEYS.controller, KEYS.programmeManager, KEYS.auditor, KEYS.accountingOfficer]) {
      expect((await list({}, key)).status).toBe(200);
      expect((await irregularity(`${programmeId}-1`, key)).status).toBe(200);
    }
    expect((await request(api.url).get('/irregularities')).status).toBe(401);
  });
});
