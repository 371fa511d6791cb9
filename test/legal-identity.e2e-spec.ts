/**
 * An operation's legal identity on the real process: the CUP an award cannot do without, the
 * State-aid regime of its call with the RNA's codes, the de minimis ceiling per single undertaking
 * under concurrent awards, and the lists the law asks for (EU art. 49, OpenCoesione).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Schemas } from '@app/client';
import type { ApiProcess } from './support/api-process.js';
import { dayFromNow, actBody, FundingClient, PROGRAMME_ID, awardBody, freshCup } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

const EUR = (euros: number) => euros * 100;

describe("an operation's legal identity", () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient({ env: { OPEN_DATA_RATE_LIMIT: '1000' } })));
  afterAll(() => stopAndRemove(api));

  const companyBid = (callId: string, taxCode: string, requestedCents: number, linkedUndertakings: string[] = []) =>
    client.admissibleBid(callId, {
      applicant: { type: 'company', taxCode, name: `Impresa ${taxCode}` },
      requestedCents,
      linkedUndertakings,
    });

  it('refuses an award without a CUP, with a malformed one, or with one already used', async () => {
    // First-come: each bid is awarded as it comes (the CUP is what this test is about).
    const callId = await client.openCall({ selection: 'first-come' });
    const bidId = await client.admissibleBid(callId, { requestedCents: 1_000_000 });
    const { cup: _cup, ...withoutCup } = awardBody(bidId, 1_000_000);
    // The document requires the CUP: only a cast sends an award without it.
    const missing = await client.awardGrant(callId, withoutCup as Schemas['AwardGrantDto']);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'cup' })]);
    expect((await client.awardGrant(callId, awardBody(bidId, 1_000_000, { cup: 'J11B1700027000' }))).status).toBe(400);
    const cup = freshCup();
    expect((await client.awardGrant(callId, awardBody(bidId, 1_000_000, { cup }))).status).toBe(201);
    const other = await client.admissibleBid(callId, { requestedCents: 1_000_000 });
    const reused = await client.awardGrant(callId, awardBody(other, 1_000_000, { cup }));
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('CUP_ALREADY_USED');
  });

  it('under de minimis, refuses an award that would cross the ceiling, counting the visura and the aid granted here to linked undertakings since, with the headroom', async () => {
    const callId = await client.openCall({ aidRegime: 'de-minimis', selection: 'first-come' });
    const visura = {
      reference: 'RNA-VIS-1',
      date: new Date(Date.now() - 86_400_000 * 10).toISOString().slice(0, 10),
      receivedCents: EUR(200_000),
    };
    // The linked company got EUR 50,000 here after the visura.
    const linked = await companyBid(callId, '11111111111', EUR(50_000));
    const first = await client.awardGrant(
      callId,
      awardBody(linked, EUR(50_000), { rna: { cor: 'COR-1', deMinimisVisura: { ...visura, receivedCents: 0 } } }),
    );
    expect(first.status).toBe(201);
    const bidId = await companyBid(callId, '22222222222', EUR(60_000), ['11111111111']);
    const noVisura = await client.awardGrant(callId, awardBody(bidId, EUR(60_000), { rna: { cor: 'COR-2' } }));
    expect(noVisura.body.code).toBe('DE_MINIMIS_VISURA_REQUIRED');
    const tooMuch = await client.awardGrant(
      callId,
      awardBody(bidId, EUR(60_000), { rna: { cor: 'COR-2', deMinimisVisura: visura } }),
    );
    expect(tooMuch.status).toBe(422);
    // Granted today, by an act of today: Reg. (EU) 2023/2831, EUR 300,000 over the three years before it.
    expect(tooMuch.body).toMatchObject({
      code: 'DE_MINIMIS_CEILING_EXCEEDED',
      headroomCents: EUR(50_000),
      regulation: 'Reg. (EU) 2023/2831',
      ceilingCents: EUR(300_000),
    });
    expect(
      (
        await client.awardGrant(
          callId,
          awardBody(bidId, EUR(50_000), { rna: { cor: 'COR-2', deMinimisVisura: visura } }),
        )
      ).status,
    ).toBe(201);
    const statement = await client.deMinimisStatement('22222222222');
    // Its own statement: the aid granted to it (the linked company's is on the linked company's).
    expect(statement.body).toMatchObject({
      totalInWindowCents: EUR(50_000),
      windowYears: 3,
      aid: [{ amountCents: EUR(50_000), grantDate: dayFromNow() }],
      regulationToday: 'Reg. (EU) 2023/2831',
    });
  });

  it('never lets 20 awards to one undertaking, racing four at a time across several calls, cross its ceiling', async () => {
    // A first-come call per bid: each award is its call's next, so the awards meet on the undertaking alone.
    const calls = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.openCall({
          aidRegime: 'de-minimis',
          budgetCents: EUR(20_000),
          maxGrantCents: EUR(20_000),
          selection: 'first-come',
        }),
      ),
    );
    const bids = await Promise.all(
      calls.map((callId) => companyBid(callId, '33333333333', EUR(20_000)).then((bidId) => ({ bidId, callId }))),
    );
    const visura = { reference: 'RNA-VIS-2', date: new Date().toISOString().slice(0, 10), receivedCents: 0 };
    // Four at a time, as four calls' awards were decided before (a call's awards are decided one at a time in a process).
    const lanes = await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        const answered = [];
        for (const { bidId, callId } of bids.filter((_, i) => i % 4 === lane)) {
          const award = () =>
            client.awardGrant(
              callId,
              awardBody(bidId, EUR(20_000), { rna: { cor: 'COR-3', deMinimisVisura: visura } }),
            );
          // 409 CONCURRENCY_CONFLICT wrote nothing and asks for a retry, as a client does (a few times at most).
          let answer = await award();
          for (let retry = 0; retry < 5 && answer.body.code === 'CONCURRENCY_CONFLICT'; retry++) answer = await award();
          answered.push(answer);
        }
        return answered;
      }),
    );
    const answers = lanes.flat();
    expect(answers.filter((a) => a.status === 201)).toHaveLength(15);
    for (const refused of answers.filter((a) => a.status !== 201))
      expect(refused.body.code).toBe('DE_MINIMIS_CEILING_EXCEEDED');
    const statement = await client.deMinimisStatement('33333333333');
    expect(statement.body.totalInWindowCents).toBe(EUR(300_000));
  });

  it("publishes every art. 49 field of an operation, as JSON and CSV, granted on its award act's date", async () => {
    const callId = await client.openCall();
    const {
      bidIds: [bidId],
    } = await client.rankedBids(callId, [{ score: 75, requestedCents: EUR(80_000) }]);
    // Adopted three days ago, recorded today: the list gives the act's date.
    const act = actBody({ date: dayFromNow(-3) });
    const awarded = await client.awardGrant(
      callId,
      awardBody(bidId!, EUR(80_000), {
        act,
        operation: {
          purpose: 'Un nido aziendale per 40 famiglie',
          plannedStartDate: '2026-09-01',
          plannedEndDate: '2027-08-31',
          istatMunicipalityCode: '004078',
          totalEligibleCostCents: EUR(100_000),
        },
      }),
    );
    const at = awarded.headers['x-event-position']!;
    const grant = await client.grant(awarded.body.grantId, { at });
    expect(grant.body).toMatchObject({
      cup: expect.stringMatching(/^J11B/),
      operation: { nuts3: 'ITC16', nuts2: 'ITC1', totalEligibleCostCents: EUR(100_000) },
      aidRegime: 'none',
      euCoFinancingRateBp: 4000,
      act,
      grantDate: act.date,
    });
    // The public list takes no X-Min-Position: the query above waited for every read model.
    const json = await client.publicOperations();
    const operation = json.body.operations.find((o) => o.operationId === awarded.body.grantId);
    expect(operation).toEqual(
      expect.objectContaining({
        beneficiaryName: 'Officine Riunite Srl',
        operationTitle: 'Nido aziendale condiviso',
        purpose: 'Un nido aziendale per 40 famiglie',
        startDate: '2026-09-01',
        plannedEndDate: '2027-08-31',
        actualEndDate: null,
        totalEligibleCostCents: EUR(100_000),
        fund: 'FSE',
        euCoFinancingRateBp: 4000,
        location: 'ITC16',
        municipality: '004078',
        specificObjective: null,
        interventionType: null,
        cup: grant.body.cup,
        grantDate: act.date,
      }),
    );
    const csv = await client.publicCsv('operations');
    expect(csv.body.split('\n')[0]).toContain(
      'cup,beneficiaryName,beneficiaryType,beneficiaryRegion,operationTitle,purpose',
    );
    expect(csv.body).toContain('Un nido aziendale per 40 famiglie');
  });

  it("lists the operations in OpenCoesione's format, its totals equal to the dashboard's", async () => {
    // First-come: two grants on one call, each awarded as it comes.
    const callId = await client.openCall({ budgetCents: EUR(200_000), selection: 'first-come' });
    const grantId = await client.newGrant(callId, EUR(100_000));
    await client.recordDisbursement(grantId, { kind: 'advance', amountCents: EUR(40_000) });
    const second = await client.newGrant(callId, EUR(50_000));
    const last = await client.payOnClaim(second, EUR(45_000), 'final', { actualEndDate: '2026-11-20' });
    const at = last.headers['x-event-position']!;
    const dashboard = (await client.dashboard(PROGRAMME_ID, { at })).body;
    const csv = await client.publicCsv('opencoesione');
    expect(csv.headers['content-type']).toContain('text/csv');
    const [header, ...rows] = csv.body.trim().split('\n');
    const columns = header!.split(';');
    expect(columns).toEqual(
      expect.arrayContaining([
        'COD_LOCALE_PROGETTO',
        'CUP',
        'OC_TITOLO_PROGETTO',
        'FINANZ_UE',
        'FINANZ_TOTALE_PUBBLICO',
        'IMPEGNI',
        'TOT_PAGAMENTI',
        'OC_STATO_PROGETTO',
        'OC_DATA_INIZIO_PROGETTO',
        'OC_DATA_FINE_PROGETTO_PREVISTA',
        'OC_DATA_FINE_PROGETTO_EFFETTIVA',
      ]),
    );
    const cell = (row: string, name: string) => row.split(';')[columns.indexOf(name)]!;
    const cents = (euro: string) => Math.round(Number(euro.replace(',', '.')) * 100);
    const sum = (name: string) => rows.reduce((total, row) => total + cents(cell(row, name)), 0);
    const funds = dashboard.funds as Array<{ committedCents: number; releasedCents: number; disbursedCents: number }>;
    expect(sum('IMPEGNI')).toBe(funds.reduce((t, f) => t + f.committedCents - f.releasedCents, 0));
    expect(sum('TOT_PAGAMENTI')).toBe(funds.reduce((t, f) => t + f.disbursedCents, 0));
    const completed = rows.find((row) => cell(row, 'COD_LOCALE_PROGETTO') === second)!;
    expect([
      cell(completed, 'OC_STATO_PROGETTO'),
      cell(completed, 'OC_DATA_FINE_PROGETTO_EFFETTIVA'),
      cell(completed, 'IMPEGNI'),
      cell(completed, 'FINANZ_UE'),
    ]).toEqual(['Concluso', '20261120', '45000,00', '20000,00']);
  });
});
