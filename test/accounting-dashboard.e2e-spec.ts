/**
 * The accounting dashboard on the real process, through the typed client: on the demo programme
 * (its FSE share co-financed 40 / 42 / 18) a grant is paid, its payments declared, the Commission
 * pays, a correction is made and withdrawn, last year's accounts are submitted; the dashboard,
 * read with the last write's position, shows each figure per fund and accounting year; who may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Schemas } from '@app/client';
import { KEYS, bearer, startApi, type ApiProcess } from './support/api-process.js';
import { grantOf60k } from './support/expenditure-api.js';
import { FundingClient, PROGRAMME_ID, actBody } from './support/funding-requests.js';
import { request } from './support/http.js';
import { reply } from './support/ledger.js';
import { stopAndRemove } from './support/running-api.js';

/** Today in Italy, where the ledger counts its days, and its accounting year (1 July to 30 June). */
const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Rome' });
const FIRST = Number(today.slice(0, 4)) - (today.slice(5) >= '07-01' ? 0 : 1);
const THIS_YEAR = `${FIRST}-${FIRST + 1}`;
const LAST_YEAR = `${FIRST - 1}-${FIRST}`;

type Query = { fund?: 'FSE' | 'FESR'; accountingYear?: string };

describe('the accounting dashboard', () => {
  let api: ApiProcess;
  let client: FundingClient;
  /** Where the last write of the scenario sits in the log. */
  let position = '0';

  const dashboard = (reading: { key?: string; at?: string; query?: Query; programmeId?: string } = {}) =>
    reply(
      client.as(reading.key ?? KEYS.accountingOfficer).GET('/programmes/{programmeId}/accounting-dashboard', {
        params: {
          path: { programmeId: reading.programmeId ?? PROGRAMME_ID },
          query: reading.query ?? {},
          header: reading.at === undefined ? {} : { 'X-Min-Position': reading.at },
        },
      }),
    );

  /** A command's answer; its position becomes the one the dashboard is read at. */
  async function written<R extends { status: number; headers: Readonly<Record<string, string>> }>(
    call: Promise<R>,
    status = 201,
  ): Promise<R> {
    const res = await call;
    expect(res.status).toBe(status);
    position = res.headers['x-event-position']!;
    return res;
  }

  const asAccountingOfficer = () => client.as(KEYS.accountingOfficer);

  beforeAll(async () => {
    api = await startApi();
    client = new FundingClient(api.url);
  });
  afterAll(() => stopAndRemove(api));

  it('shows the demo programme with no row before anything is paid', async () => {
    const read = await dashboard({ key: KEYS.viewer });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ programmeId: PROGRAMME_ID, rows: [] });
  });

  it('shows, per fund and accounting year, what was paid, declared, received, corrected and the accounts', async () => {
    // A grant of EUR 60,000 at 60%: its 40% advance, a claim of EUR 50,000 verified, the EUR 6,000 it then allows.
    const { grantId } = await grantOf60k(client, { fundingRateBp: 6000 });
    await written(client.recordDisbursement(grantId, { kind: 'advance', amountCents: 2_400_000 }));
    const claimId = await client.verifiedClaim(grantId, 5_000_000);
    await written(client.recordDisbursement(grantId, { kind: 'interim', amountCents: 600_000, claimId }));

    const body: Schemas['SubmitPaymentApplicationDto'] = { fund: 'FSE', accountingYear: THIS_YEAR, cutOffDate: today };
    const apply = (applicationId: string) =>
      reply(
        asAccountingOfficer().POST('/programmes/{programmeId}/payment-applications', {
          params: { path: { programmeId: PROGRAMME_ID } },
          body: { ...body, applicationId },
        }),
      );
    await written(apply('dash-fse-1'));
    await written(
      reply(
        asAccountingOfficer().POST('/payment-applications/{applicationId}/receipts', {
          params: { path: { applicationId: 'dash-fse-1' } },
          body: { receiptId: 'dash-ec-1', amountCents: 1_140_000, receivedOn: today },
        }),
      ),
    );
    // 10% of the EUR 30,000 declared on the grant, withdrawn by the next application.
    await written(
      reply(
        asAccountingOfficer().POST('/programmes/{programmeId}/financial-corrections', {
          params: { path: { programmeId: PROGRAMME_ID } },
          body: { correctionId: 'dash-fc-1', grantId, rateBp: 1000, reason: 'Procurement breach', act: actBody() },
        }),
      ),
    );
    await written(apply('dash-fse-2'));
    await written(
      reply(
        asAccountingOfficer().POST('/programmes/{programmeId}/accounts', {
          params: { path: { programmeId: PROGRAMME_ID } },
          body: { fund: 'FSE', accountingYear: LAST_YEAR, act: actBody() },
        }),
      ),
    );

    const read = await dashboard({ at: position });
    expect(read.status).toBe(200);
    const nothing = {
      paidToBeneficiariesCents: 0,
      recoveredCents: 0,
      declaredPublicContributionCents: 0,
      declaredEuShareCents: 0,
      declaredNetPublicContributionCents: 0,
      declaredNetEuShareCents: 0,
      receivedFromCommissionCents: 0,
      underAssessmentPublicContributionCents: 0,
      underAssessmentEuShareCents: 0,
      correctedCents: 0,
      applications: 0,
      accountsSubmitted: false,
      accountsSubmittedOn: null,
    };
    const lastYear = {
      ...nothing,
      fund: 'FSE',
      accountingYear: LAST_YEAR,
      accountsSubmitted: true,
      accountsSubmittedOn: today,
    };
    const thisYear = {
      ...nothing,
      fund: 'FSE',
      accountingYear: THIS_YEAR,
      paidToBeneficiariesCents: 3_000_000,
      // The two payments, EU share 40%.
      declaredPublicContributionCents: 3_000_000,
      declaredEuShareCents: 1_200_000,
      // Less the correction the second application withdrew: EUR 3,000, EU share EUR 1,200.
      declaredNetPublicContributionCents: 2_700_000,
      declaredNetEuShareCents: 1_080_000,
      receivedFromCommissionCents: 1_140_000,
      correctedCents: 300_000,
      applications: 2,
    };
    expect(read.body).toEqual({ programmeId: PROGRAMME_ID, rows: [lastYear, thisYear] });

    // Filters: a fund, a year, both.
    expect((await dashboard({ query: { accountingYear: THIS_YEAR } })).body.rows).toEqual([thisYear]);
    expect((await dashboard({ query: { fund: 'FSE', accountingYear: LAST_YEAR } })).body.rows).toEqual([lastYear]);
    expect((await dashboard({ query: { fund: 'FESR' } })).body).toEqual({ programmeId: PROGRAMME_ID, rows: [] });
  });

  it('lets the accounting officer, the programme manager, auditors and viewers read it, and no one else', async () => {
    for (const key of [KEYS.accountingOfficer, KEYS.programmeManager, KEYS.auditor, KEYS.viewer])
      expect((await dashboard({ key, at: position })).status).toBe(200);
    for (const key of [KEYS.financeOfficer, KEYS.evaluator, KEYS.controller, KEYS.applicantService]) {
      const refused = await dashboard({ key });
      expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect((await request(api.url).get(`/programmes/${PROGRAMME_ID}/accounting-dashboard`)).status).toBe(401);
  });

  it('answers 404 for a programme it does not know and 400 for a filter it cannot read', async () => {
    expect((await dashboard({ programmeId: 'no-such-programme' })).body).toMatchObject({
      statusCode: 404,
      code: 'PROGRAMME_NOT_FOUND',
    });
    const badYear = await request(api.url)
      .get(`/programmes/${PROGRAMME_ID}/accounting-dashboard?accountingYear=2026%2F2027`)
      .set(bearer(KEYS.auditor));
    expect(badYear.status).toBe(400);
    expect(JSON.stringify(badYear.body)).toContain('accountingYear');
    const badFund = await request(api.url)
      .get(`/programmes/${PROGRAMME_ID}/accounting-dashboard?fund=FEASR`)
      .set(bearer(KEYS.auditor));
    expect([badFund.status, JSON.stringify(badFund.body)]).toEqual([400, expect.stringContaining('fund')]);
  });
});
