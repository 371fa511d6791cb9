/**
 * The accounting function on the real process, through the typed client: payment applications to
 * the Commission (each payment declared once, also when applications race), what the Commission
 * pays, financial corrections, and the accounts that close a year; who may do each.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Schemas } from '@app/client';
import { KEYS, startApi, type ApiProcess } from './support/api-process.js';
import { grantOf60k } from './support/expenditure-api.js';
import {
  FundingClient,
  PROGRAMME_ID,
  actBody,
  awardBody,
  bidBody,
  claimItem,
  dayFromNow,
  openCallBody,
  operationDates,
} from './support/funding-requests.js';
import { reply } from './support/ledger.js';
import { stopAndRemove } from './support/running-api.js';
import { exportedLog, untilAnswered } from './support/until-answered.js';

/** The accounting year today falls in: 1 July to 30 June. */
function accountingYearOf(day: string): string {
  const year = Number(day.slice(0, 4));
  const first = day.slice(5) >= '07-01' ? year : year - 1;
  return `${first}-${first + 1}`;
}
const today = dayFromNow();
const THIS_YEAR = accountingYearOf(today);
const LAST_YEAR = `${Number(THIS_YEAR.slice(0, 4)) - 1}-${THIS_YEAR.slice(0, 4)}`;
const LAST_YEAR_END = `${THIS_YEAR.slice(0, 4)}-06-30`;

describe('the accounting function', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => {
    api = await startApi();
    client = new FundingClient(api.url);
  });
  afterAll(() => stopAndRemove(api));

  const apply = (body: Schemas['SubmitPaymentApplicationDto'], key: string = KEYS.accountingOfficer) =>
    reply(
      client.as(key).POST('/programmes/{programmeId}/payment-applications', {
        params: { path: { programmeId: PROGRAMME_ID } },
        body,
      }),
    );
  const application = (applicationId: string, key: string = KEYS.auditor) =>
    reply(client.as(key).GET('/payment-applications/{applicationId}', { params: { path: { applicationId } } }));
  const receive = (applicationId: string, body: Schemas['RecordCommissionReceiptDto']) =>
    reply(
      client.as(KEYS.accountingOfficer).POST('/payment-applications/{applicationId}/receipts', {
        params: { path: { applicationId } },
        body,
      }),
    );
  const correct = (body: Schemas['MakeFinancialCorrectionDto']) =>
    reply(
      client.as(KEYS.accountingOfficer).POST('/programmes/{programmeId}/financial-corrections', {
        params: { path: { programmeId: PROGRAMME_ID } },
        body,
      }),
    );
  const closeYear = (body: Schemas['SubmitAccountsDto'], key: string = KEYS.accountingOfficer) =>
    reply(
      client.as(key).POST('/programmes/{programmeId}/accounts', {
        params: { path: { programmeId: PROGRAMME_ID } },
        body,
      }),
    );

  /** A grant of EUR 60,000 at 60% of verified expenditure: its 40% advance, a claim of EUR 50,000 verified, the EUR 6,000 it then allows. */
  async function paidGrant(): Promise<string> {
    const { grantId } = await grantOf60k(client, { fundingRateBp: 6000 });
    expect((await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 2_400_000 })).status).toBe(201);
    const claimId = await client.verifiedClaim(grantId, 5_000_000);
    const interim = await client.recordDisbursement(grantId, { kind: 'interim', amountCents: 600_000, claimId });
    expect(interim.status).toBe(201);
    return grantId;
  }

  it('declares the payments made on verified expenditure, split 40 / 42 / 18, and records what the Commission pays', async () => {
    const grantId = await paidGrant();
    const submitted = await apply({
      applicationId: 'fse-1',
      fund: 'FSE',
      accountingYear: THIS_YEAR,
      cutOffDate: today,
    });
    expect(submitted.status).toBe(201);
    // The answer is the application as recorded, with the write's revision and position.
    expect(submitted.body).toMatchObject({
      programmeId: PROGRAMME_ID,
      applicationId: 'fse-1',
      totals: { publicContributionCents: 3_000_000, euShareCents: 1_200_000 },
      expectedInterimPaymentCents: 1_140_000,
      revision: 0,
      position: submitted.headers['x-event-position'],
    });

    const read = await application('fse-1');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      applicationId: 'fse-1',
      fund: 'FSE',
      accountingYear: THIS_YEAR,
      cofinancing: { euBp: 4000, nationalBp: 4200, regionalBp: 1800 },
      lines: [
        { grantId, kind: 'advance', publicContributionCents: 2_400_000, eligibleExpenditureCents: 5_000_000 },
        { grantId, kind: 'interim', publicContributionCents: 600_000, eligibleExpenditureCents: 0 },
      ],
      deductions: [],
      totals: {
        eligibleExpenditureCents: 5_000_000,
        publicContributionCents: 3_000_000,
        euShareCents: 1_200_000,
        nationalShareCents: 1_260_000,
        regionalShareCents: 540_000,
      },
      byAxis: [{ priorityAxis: '3', publicContributionCents: 3_000_000 }],
      interimPaymentBp: 9500,
      expectedInterimPaymentCents: 1_140_000,
      receivedCents: 0,
    });
    expect((read.body.lines as Array<{ cup: string }>)[0]!.cup).toMatch(/^[A-Z]\d{2}[A-Z]\d{11}$/);

    // Each payment once: nothing is left to declare.
    expect((await apply({ fund: 'FSE', accountingYear: THIS_YEAR, cutOffDate: today })).body).toMatchObject({
      statusCode: 422,
      code: 'NOTHING_TO_DECLARE',
    });

    expect((await receive('fse-1', { receiptId: 'ec-1', amountCents: 1_140_000, receivedOn: today })).status).toBe(201);
    expect((await receive('fse-1', { amountCents: 60_001, receivedOn: today })).body).toMatchObject({
      statusCode: 422,
      code: 'RECEIPT_EXCEEDS_APPLICATION',
      receivableCents: 60_000,
    });
    expect((await receive('fse-1', { receiptId: 'ec-1', amountCents: 1, receivedOn: today })).status).toBe(409);
    expect((await receive('no-such-application', { amountCents: 1, receivedOn: today })).body).toMatchObject({
      statusCode: 404,
      code: 'PAYMENT_APPLICATION_NOT_FOUND',
    });
    expect((await application('fse-1')).body).toMatchObject({
      receivedCents: 1_140_000,
      receipts: [{ receiptId: 'ec-1', amountCents: 1_140_000, receivedOn: today }],
    });

    // A correction takes back no more than what is declared, and the next application withdraws it.
    expect(
      (await correct({ grantId, amountCents: 3_000_001, reason: 'Procurement breach', act: actBody() })).body,
    ).toMatchObject({
      statusCode: 422,
      code: 'CORRECTION_EXCEEDS_DECLARED',
      correctableCents: 3_000_000,
    });
    const corrected = await correct({
      correctionId: 'fc-1',
      grantId,
      rateBp: 1000,
      reason: 'Procurement breach',
      act: actBody(),
    });
    expect(corrected.status).toBe(201);
    const next = await apply({ applicationId: 'fse-2', fund: 'FSE', accountingYear: THIS_YEAR, cutOffDate: today });
    expect(next.status).toBe(201);
    expect((await application('fse-2')).body).toMatchObject({
      lines: [],
      deductions: [
        { kind: 'withdrawal', reference: 'fc-1', publicContributionCents: -300_000, euShareCents: -120_000 },
      ],
      totals: { publicContributionCents: -300_000, euShareCents: -120_000 },
    });
  });

  it('declares each payment once when applications race', async () => {
    await paidGrant();
    await paidGrant();
    const raced = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        apply({ applicationId: `race-${i}`, fund: 'FSE', accountingYear: THIS_YEAR, cutOffDate: today }),
      ),
    );
    expect(raced.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    expect(raced.filter((r) => r.status === 422).map((r) => r.body.code)).toEqual([
      'NOTHING_TO_DECLARE',
      'NOTHING_TO_DECLARE',
      'NOTHING_TO_DECLARE',
    ]);
    const list = await reply(
      client.as(KEYS.auditor).GET('/programmes/{programmeId}/payment-applications', {
        params: { path: { programmeId: PROGRAMME_ID }, query: { fund: 'FSE' } },
      }),
    );
    expect(list.status).toBe(200);
    const payments = (list.body.items as Array<{ lines: Array<{ disbursementId: string }> }>).flatMap((a) =>
      a.lines.map((l) => l.disbursementId),
    );
    expect(new Set(payments).size).toBe(payments.length);
  });

  it('closes an ended year with its accounts; an application for it is refused after', async () => {
    expect((await closeYear({ fund: 'FSE', accountingYear: THIS_YEAR, act: actBody() })).body).toMatchObject({
      statusCode: 422,
      code: 'ACCOUNTING_YEAR_NOT_ENDED',
    });
    const closed = await closeYear({ fund: 'FSE', accountingYear: LAST_YEAR, act: actBody() });
    expect(closed.status).toBe(201);
    expect(closed.body).toMatchObject({ fund: 'FSE', accountingYear: LAST_YEAR, applications: [], balanceCents: 0 });
    expect((await closeYear({ fund: 'FSE', accountingYear: LAST_YEAR, act: actBody() })).status).toBe(409);
    expect((await apply({ fund: 'FSE', accountingYear: LAST_YEAR, cutOffDate: LAST_YEAR_END })).body).toMatchObject({
      statusCode: 422,
      code: 'ACCOUNTING_YEAR_CLOSED',
    });
    const accounts = await reply(
      client.as(KEYS.auditor).GET('/programmes/{programmeId}/accounts', {
        params: { path: { programmeId: PROGRAMME_ID }, query: { accountingYear: LAST_YEAR } },
      }),
    );
    expect(accounts.body).toMatchObject({
      items: [{ fund: 'FSE', accountingYear: LAST_YEAR, applications: [], accounted: { euShareCents: 0 } }],
    });
  });

  it('declares nothing of a fund whose split is not stated, until the programme manager states it', async () => {
    const programmeId = 'acc-unsplit';
    expect(
      (
        await client.establishProgramme({
          programmeId,
          code: 'ACC-U',
          title: 'A programme established without a co-financing split',
          funds: [{ fund: 'FSE', amountCents: 100_000_000, euCoFinancingRateBp: 4000 }],
        })
      ).status,
    ).toBe(201);
    const applyThere = () =>
      reply(
        client.as(KEYS.accountingOfficer).POST('/programmes/{programmeId}/payment-applications', {
          params: { path: { programmeId } },
          body: { fund: 'FSE', accountingYear: THIS_YEAR, cutOffDate: today },
        }),
      );
    expect((await applyThere()).body).toMatchObject({ statusCode: 422, code: 'COFINANCING_NOT_STATED', fund: 'FSE' });
    const state = (cofinancing: Schemas['CofinancingDto'], key: string = KEYS.programmeManager) =>
      reply(
        client.as(key).POST('/programmes/{programmeId}/cofinancing', {
          params: { path: { programmeId } },
          body: { fund: 'FSE', cofinancing },
        }),
      );
    // Its EU share must be the fund's EU rate (40%); only the programme manager states it, once.
    expect((await state({ euBp: 5000, nationalBp: 3500, regionalBp: 1500 })).body.code).toBe('INVALID_INPUT');
    expect((await state({ euBp: 4000, nationalBp: 4200, regionalBp: 1800 }, KEYS.accountingOfficer)).status).toBe(403);
    expect((await state({ euBp: 4000, nationalBp: 4200, regionalBp: 1800 })).status).toBe(201);
    expect((await state({ euBp: 4000, nationalBp: 4200, regionalBp: 1800 })).body).toMatchObject({
      statusCode: 409,
      code: 'COFINANCING_ALREADY_STATED',
    });
    expect((await applyThere()).body.code).toBe('NOTHING_TO_DECLARE');
  });

  it('lets only the accounting officer act for the accounting function, and refuses bad input changing nothing', async () => {
    const body = { fund: 'FSE' as const, accountingYear: THIS_YEAR, cutOffDate: today };
    expect((await apply(body, KEYS.financeOfficer)).status).toBe(403);
    expect((await apply(body, KEYS.programmeManager)).status).toBe(403);
    expect(
      (await closeYear({ fund: 'FSE', accountingYear: LAST_YEAR, act: actBody() }, KEYS.programmeManager)).status,
    ).toBe(403);
    expect((await application('fse-1', KEYS.viewer)).status).toBe(403);
    expect((await application('fse-1', KEYS.accountingOfficer)).status).toBe(200);
    const badYear = await client.post(`/programmes/${PROGRAMME_ID}/payment-applications`, KEYS.accountingOfficer, {
      ...body,
      accountingYear: '2026/2027',
    });
    expect(badYear.status).toBe(400);
    expect(JSON.stringify(badYear.body)).toContain('accountingYear');
    const outside = await apply({ ...body, cutOffDate: '2020-01-01' });
    expect(outside.body).toMatchObject({ statusCode: 422, code: 'INVALID_INPUT' });
    expect((await apply({ ...body, applicationId: 'x' }, KEYS.accountingOfficer)).body.code).toBe('NOTHING_TO_DECLARE');
  });
});

describe('each payment declared once on the KurrentDB simulator, with faults injected in front of the adapter', () => {
  it('answers racing applications, each sent again until answered, with one declaration of each payment', async () => {
    const api = await startApi({
      env: {
        KURRENTDB_URL: 'kurrentdb-simulator://',
        EVENT_STORE_FAULTS: 'commit-then-fail:0.05,unavailable:0.02,drop-subscription:0.01',
        IDEMPOTENCY_LEASE_MS: '1000',
      },
    });
    const client = new FundingClient(api.url);
    const keyed = (key: string, principal: string) => ({ key: principal, headers: { 'Idempotency-Key': key } });
    const asAnswer = async (
      r: Promise<{ status: number; headers: Readonly<Record<string, string>>; body: object }>,
    ) => {
      const { status, headers, body } = await r;
      return { status, headers, body: body as Record<string, unknown> };
    };
    try {
      // A grant of EUR 60,000 at 60% of verified expenditure, its advance and an interim payment: each step sent until answered.
      // A retry is the same request: each body is built once (the call's dates come from the clock).
      const call = openCallBody({ selection: 'first-come', fundingRateBp: 6000, budgetCents: 20_000_000 });
      const opened = await untilAnswered(() =>
        asAnswer(client.tryOpenCall(call, keyed('acc-call', KEYS.programmeManager))),
      );
      expect(opened.status).toBe(201);
      const callId = String(opened.body['callId']);
      const bid = await untilAnswered(() =>
        asAnswer(
          client.submitBid(callId, bidBody({ requestedCents: 6_000_000 }), keyed('acc-bid', KEYS.applicantService)),
        ),
      );
      expect(bid.status).toBe(201);
      const bidId = String(bid.body['bidId']);
      const evaluated = await untilAnswered(() =>
        asAnswer(client.evaluateBid(bidId, { admissible: true, score: 80 }, keyed('acc-eval', KEYS.evaluator))),
      );
      expect(evaluated.status).toBe(200);
      const award = awardBody(bidId, 6_000_000, {
        operation: { ...operationDates(), istatMunicipalityCode: '001272', totalEligibleCostCents: 10_000_000 },
      });
      const awarded = await untilAnswered(() =>
        asAnswer(client.awardGrant(callId, award, keyed('acc-award', KEYS.programmeManager))),
      );
      expect(awarded.status).toBe(201);
      const grantId = String(awarded.body['grantId']);
      const advance = await untilAnswered(() =>
        asAnswer(
          client.recordDisbursement(
            grantId,
            { kind: 'advance', amountCents: 2_400_000 },
            keyed('acc-advance', KEYS.financeOfficer),
          ),
        ),
      );
      expect(advance.status).toBe(201);
      const item = claimItem(5_000_000);
      const claimed = await untilAnswered(() =>
        asAnswer(
          client.submitClaim(grantId, { kind: 'interim', items: [item] }, keyed('acc-claim', KEYS.applicantService)),
        ),
      );
      expect(claimed.status).toBe(201);
      const claimId = String(claimed.body['claimId']);
      const verified = await untilAnswered(() =>
        asAnswer(
          client.verifyClaim(
            claimId,
            { eligibleCents: 5_000_000, cuts: [], checklistRef: 'CL-1', onTheSpot: false },
            keyed('acc-verify', KEYS.controller),
          ),
        ),
      );
      expect(verified.status).toBe(200);
      const interim = await untilAnswered(() =>
        asAnswer(
          client.recordDisbursement(
            grantId,
            { kind: 'interim', amountCents: 600_000, claimId },
            keyed('acc-interim', KEYS.financeOfficer),
          ),
        ),
      );
      expect(interim.status).toBe(201);

      // Four applications at once, each sent again with its key until answered.
      const apply = (i: number) => () =>
        asAnswer(
          reply(
            client.as(KEYS.accountingOfficer).POST('/programmes/{programmeId}/payment-applications', {
              params: { path: { programmeId: PROGRAMME_ID }, header: { 'Idempotency-Key': `acc-apply-${i}` } },
              body: { applicationId: `sim-${i}`, fund: 'FSE', accountingYear: THIS_YEAR, cutOffDate: today },
            }),
          ),
        );
      const answers = await Promise.all([1, 2, 3, 4].map((i) => untilAnswered(apply(i))));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 422, 422, 422]);
      for (const refused of answers.filter((a) => a.status === 422))
        expect(refused.body['code']).toBe('NOTHING_TO_DECLARE');
      const accepted = answers.find((a) => a.status === 201)!;
      expect(accepted.body).toMatchObject({ totals: { publicContributionCents: 3_000_000, euShareCents: 1_200_000 } });

      // In the log: one application, each payment in it once.
      const log = await exportedLog(client);
      const submitted = log.filter((e) => e.type === 'PaymentApplicationSubmitted');
      expect(submitted).toHaveLength(1);
      const lines = (submitted[0]!.data as { lines: Array<{ disbursementId: string }> }).lines;
      expect(lines).toHaveLength(2);
      expect(new Set(lines.map((l) => l.disbursementId)).size).toBe(2);
    } finally {
      await stopAndRemove(api);
    }
  });
});
