/**
 * From award to payment as it really happens, on the real process: expenditure claims, their
 * verification by first-level control, payments bound by what was verified, separation of duties,
 * and recoveries whose principal becomes available money again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Schemas } from '@app/client';
import { SqliteEventStore, type RecordedEvent } from '@app/event-store';
import { KEYS, removeDataDir, startApi, tempDataDir, type ApiProcess } from './support/api-process.js';
import {
  actBody,
  FundingClient,
  PROGRAMME_ID,
  awardBody,
  claimItem,
  dayFromNow,
  freshDocument,
  measureId,
  operationDates,
} from './support/funding-requests.js';

/** One person with two duties: the product must keep them apart on the same claim. */
const CONTROLLER_AND_PAYER = 'controller-and-finance-dev-key';
const EVALUATOR_AND_CONTROLLER = 'evaluator-and-controller-dev-key';

describe('expenditure claims, verifications and recoveries', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    const keysFile = join(dataDir, 'api-keys.json');
    const devKeys = JSON.parse(readFileSync(join(process.cwd(), 'config/dev-api-keys.json'), 'utf8')) as object[];
    writeFileSync(
      keysFile,
      JSON.stringify([
        ...devKeys,
        {
          key: CONTROLLER_AND_PAYER,
          principal: 'dev:controller-and-finance',
          roles: ['controller', 'finance-officer'],
        },
        {
          key: EVALUATOR_AND_CONTROLLER,
          principal: 'dev:evaluator-and-controller',
          roles: ['evaluator', 'controller'],
        },
      ]),
    );
    api = await startApi({ dataDir, env: { API_KEYS_FILE: keysFile } });
    client = new FundingClient(api.url);
  });
  afterAll(async () => {
    await api.stop();
    removeDataDir(api.dataDir);
  });

  const claim = (grantId: string, kind: 'interim' | 'final', ...amounts: number[]) =>
    client.submitClaim(grantId, {
      kind,
      items: amounts.map((amountCents, i) =>
        claimItem(amountCents, {
          description: `Voce ${i}`,
          category: i === 0 ? 'personnel' : 'services',
          documentRef: `FATT-2026-${i}`,
        }),
      ),
    });
  const verify = (
    claimId: string,
    eligibleCents: number,
    cuts: Schemas['ClaimCutDto'][] = [],
    key: string = KEYS.controller,
  ) => client.verifyClaim(claimId, { eligibleCents, cuts, checklistRef: 'CHK-2026-01', onTheSpot: false }, key);
  const pay = (grantId: string, body: Schemas['RecordDisbursementDto'], key: string = KEYS.financeOfficer) =>
    client.recordDisbursement(grantId, body, key);

  /** A grant of EUR 60,000 on an operation of EUR 100,000, its call paying 60% of verified expenditure and 40% of the award in advance. */
  async function grantAt60Percent(): Promise<{ grantId: string; callId: string }> {
    // First-come: the one bid is awarded at once (the selection is not what these tests are about).
    const callId = await client.openCall({
      budgetCents: 20_000_000,
      maxGrantCents: 20_000_000,
      advanceShareBp: 4000,
      fundingRateBp: 6000,
      selection: 'first-come',
    });
    const bidId = await client.admissibleBid(callId, { requestedCents: 6_000_000 });
    const awarded = await client.awardGrant(
      callId,
      awardBody(bidId, 6_000_000, {
        operation: { ...operationDates(), istatMunicipalityCode: '001272', totalEligibleCostCents: 10_000_000 },
      }),
    );
    expect(awarded.status).toBe(201);
    return { grantId: awarded.body.grantId as string, callId };
  }

  it('refuses an interim payment without a verified claim', async () => {
    const { grantId } = await grantAt60Percent();
    expect((await pay(grantId, { kind: 'interim', amountCents: 100_000 })).body).toMatchObject({
      statusCode: 422,
      code: 'CLAIM_REQUIRED',
    });
    const submitted = await claim(grantId, 'interim', 2_000_000, 500_000);
    expect(submitted.status).toBe(201);
    const claimId = submitted.body.claimId as string;
    expect((await pay(grantId, { kind: 'interim', amountCents: 100_000, claimId })).body).toMatchObject({
      statusCode: 422,
      code: 'CLAIM_NOT_VERIFIED',
    });
    expect(
      (await pay(grantId, { kind: 'interim', amountCents: 100_000, claimId: 'no-such-claim' })).body,
    ).toMatchObject({ statusCode: 404, code: 'CLAIM_NOT_FOUND' });
    // Another portal's grant does not exist for it; a claim id is taken once.
    expect(
      (await client.submitClaim(grantId, { kind: 'interim', items: [claimItem(1)] }, 'applicant-service-2-dev-api-key'))
        .body.code,
    ).toBe('GRANT_NOT_FOUND');
    expect((await client.submitClaim(grantId, { claimId, kind: 'interim', items: [claimItem(1)] })).body).toMatchObject(
      { statusCode: 409, code: 'CLAIM_ALREADY_EXISTS' },
    );
  });

  it('pays no more than the funding rate times the verified eligible expenditure, plus the advance allowed', async () => {
    const { grantId } = await grantAt60Percent();
    // The advance: 40% of EUR 60,000.
    expect((await pay(grantId, { kind: 'advance', amountCents: 2_400_000 + 1 })).body.code).toBe(
      'ADVANCE_EXCEEDS_SHARE',
    );
    expect((await pay(grantId, { kind: 'advance', amountCents: 2_400_000 })).status).toBe(201);
    // EUR 50,000 declared, EUR 5,000 cut on the second item: EUR 45,000 eligible → 60% = EUR 27,000, of which 24,000 advanced.
    const claimId = (await claim(grantId, 'interim', 4_000_000, 1_000_000)).body.claimId as string;
    expect(
      (await verify(claimId, 4_600_000, [{ item: 1, amountCents: 500_000, reason: 'Fattura fuori periodo' }])).body
        .code,
    ).toBe('VERIFICATION_DOES_NOT_ADD_UP');
    const verified = await verify(claimId, 4_500_000, [
      { item: 1, amountCents: 500_000, reason: 'Fattura fuori periodo' },
    ]);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ claimId, revision: expect.any(Number) });
    const tooMuch = await pay(grantId, { kind: 'interim', amountCents: 300_000 + 1, claimId });
    expect(tooMuch.body).toMatchObject({ statusCode: 422, code: 'PAYMENT_EXCEEDS_VERIFIED', payableCents: 300_000 });
    const paid = await pay(grantId, { kind: 'interim', amountCents: 300_000, claimId });
    expect(paid.status).toBe(201);

    const grant = await client.grant(grantId, { at: paid.headers['x-event-position']!, key: KEYS.programmeManager });
    expect(grant.body).toMatchObject({
      disbursedCents: 2_700_000,
      declaredCents: 5_000_000,
      verifiedCents: 4_500_000,
      claims: [
        {
          claimId,
          status: 'verified',
          declaredCents: 5_000_000,
          eligibleCents: 4_500_000,
          cutCents: 500_000,
          cuts: [{ item: 1, amountCents: 500_000, reason: 'Fattura fuori periodo' }],
          paidCents: 300_000,
          verifiedBy: 'dev:controller',
        },
      ],
      disbursements: [
        { kind: 'advance', claimId: null },
        { kind: 'interim', claimId, amountCents: 300_000 },
      ],
    });
    expect(
      (await client.expenditureClaim(claimId, { at: paid.headers['x-event-position']!, key: KEYS.programmeManager }))
        .body,
    ).toMatchObject({ claimId, grantId, status: 'verified', paidCents: 300_000 });
  });

  it('keeps duties apart: the verifier of a claim cannot pay it, the evaluator of the bid cannot verify its grant', async () => {
    const { grantId } = await grantAt60Percent();
    const claimId = (await claim(grantId, 'interim', 1_000_000)).body.claimId as string;
    expect((await verify(claimId, 1_000_000, [], CONTROLLER_AND_PAYER)).status).toBe(200);
    expect(
      (await pay(grantId, { kind: 'interim', amountCents: 100_000, claimId }, CONTROLLER_AND_PAYER)).body,
    ).toMatchObject({ statusCode: 422, code: 'SEPARATION_OF_DUTIES' });
    expect((await pay(grantId, { kind: 'interim', amountCents: 100_000, claimId })).status).toBe(201);

    const callId = await client.openCall({
      budgetCents: 10_000_000,
      maxGrantCents: 10_000_000,
      selection: 'first-come',
    });
    const bid = await client.submitBid(callId, {
      applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
      projectTitle: 'Nido',
      requestedCents: 1_000_000,
    });
    expect(
      (await client.evaluateBid(bid.body.bidId, { admissible: true, score: 70 }, EVALUATOR_AND_CONTROLLER)).status,
    ).toBe(200);
    const other = (await client.awardGrant(callId, awardBody(bid.body.bidId, 1_000_000))).body.grantId as string;
    const otherClaim = (await claim(other, 'interim', 500_000)).body.claimId as string;
    expect((await verify(otherClaim, 500_000, [], EVALUATOR_AND_CONTROLLER)).body).toMatchObject({
      statusCode: 422,
      code: 'SEPARATION_OF_DUTIES',
    });
  });

  it('lists claims waiting for verification, oldest first, to first-level control', async () => {
    const { grantId } = await grantAt60Percent();
    const item = (amountCents: number) => [claimItem(amountCents, { description: 'Voce', documentRef: 'FATT-1' })];
    const first = `wl-a-${grantId.slice(0, 8)}`;
    expect((await client.submitClaim(grantId, { claimId: first, kind: 'interim', items: item(100_000) })).status).toBe(
      201,
    );
    const second = await client.submitClaim(grantId, {
      claimId: `wl-b-${grantId.slice(0, 8)}`,
      kind: 'interim',
      items: item(200_000),
    });
    const worklist = await client.expenditureClaims({ grantId }, { at: second.headers['x-event-position']! });
    expect(worklist.status).toBe(200);
    expect(worklist.body).toMatchObject({
      total: 2,
      items: [
        { claimId: first, status: 'submitted', declaredCents: 100_000 },
        { claimId: second.body.claimId, status: 'submitted' },
      ],
    });
    expect(
      (await client.expenditureClaims({}, { at: second.headers['x-event-position']!, key: KEYS.viewer })).status,
    ).toBe(403);
  });

  it('completes a grant through two claims, the final one fixing its entitlement', async () => {
    const { grantId, callId } = await grantAt60Percent();
    await pay(grantId, { kind: 'advance', amountCents: 2_400_000 });
    const interim = (await claim(grantId, 'interim', 6_000_000)).body.claimId as string;
    await verify(interim, 6_000_000);
    expect((await pay(grantId, { kind: 'interim', amountCents: 1_200_000, claimId: interim })).status).toBe(201);
    const final = (await claim(grantId, 'final', 3_000_000)).body.claimId as string;
    expect((await claim(grantId, 'interim', 1)).body.code).toBe('CLAIMS_CLOSED');
    // EUR 1,000 of the final claim is not eligible: 89,000 verified in all → 60% = EUR 53,400; EUR 6,600 go back to the call now.
    const verified = await verify(final, 2_900_000, [
      { item: 0, amountCents: 100_000, reason: 'Spesa non ammissibile' },
    ]);
    expect(verified.status).toBe(200);
    expect((await pay(grantId, { kind: 'final', amountCents: 1_740_000 + 1, claimId: final })).body.code).toBe(
      'PAYMENT_EXCEEDS_VERIFIED',
    );
    const last = await pay(grantId, {
      kind: 'final',
      amountCents: 1_740_000,
      claimId: final,
      actualEndDate: '2026-11-20',
    });
    expect(last.status).toBe(201);
    const at = last.headers['x-event-position']!;
    expect((await client.grant(grantId, { at, key: KEYS.programmeManager })).body).toMatchObject({
      status: 'completed',
      disbursedCents: 5_340_000,
      releasedCents: 660_000,
      actualEndDate: '2026-11-20',
      remainingCents: 0,
    });
    expect((await client.call(callId, { at, key: KEYS.programmeManager })).body).toMatchObject({
      committedCents: 6_000_000,
      releasedCents: 660_000,
      declaredCents: 9_000_000,
      verifiedCents: 8_900_000,
      disbursedCents: 5_340_000,
    });
  });

  it('recovers money paid beyond a revoked award: a receipt returns its principal to the call, and the dashboard still sums its events', async () => {
    const { grantId, callId } = await grantAt60Percent();
    await pay(grantId, { kind: 'advance', amountCents: 2_400_000 });
    // The award cut to EUR 10,000: 14,000 of the advance is due back.
    const revoked = await client.revokeGrant(grantId, {
      reason: 'Attività non realizzate',
      amountCents: 5_000_000,
      act: actBody(),
    });
    expect(revoked.status).toBe(200);
    expect(
      (
        await client.orderRecovery(grantId, {
          amountCents: 1_400_000 + 1,
          interestRateBp: 250,
          dueDate: '2027-03-31',
          reference: 'DD-2026-0412',
          act: actBody(),
        })
      ).body.code,
    ).toBe('RECOVERY_EXCEEDS_DUE');
    const orderAct = actBody({ number: 'D.D. 412/2026' });
    const ordered = await client.orderRecovery(grantId, {
      amountCents: 1_400_000,
      interestRateBp: 250,
      dueDate: '2027-03-31',
      reference: 'DD-2026-0412',
      act: orderAct,
    });
    expect(ordered.status).toBe(201);
    const before = (await client.call(callId, { at: ordered.headers['x-event-position']!, key: KEYS.programmeManager }))
      .body;
    const measureBefore = (
      await client.dashboard(PROGRAMME_ID, { at: ordered.headers['x-event-position']!, key: KEYS.programmeManager })
    ).body.measures.find((m) => m.measureId === measureId('M4'))!;

    const today = new Date().toISOString().slice(0, 10);
    const receipt = await client.recordRecoveryReceipt(grantId, {
      amountCents: 1_000_000,
      interestCents: 12_500,
      receivedAt: today,
      reference: 'TES-2026-88',
    });
    expect(receipt.status).toBe(201);
    expect(
      (
        await client.recordRecoveryReceipt(grantId, {
          amountCents: 400_000 + 1,
          interestCents: 0,
          receivedAt: today,
          reference: 'TES-2026-89',
        })
      ).body.code,
    ).toBe('RECEIPT_EXCEEDS_ORDERED');
    const writeOffAct = actBody({ number: 'D.D. 913/2026' });
    const writtenOff = await client.writeOffRecovery(grantId, {
      reason: 'Beneficiario in liquidazione',
      act: writeOffAct,
    });
    expect(writtenOff.status).toBe(200);
    const at = writtenOff.headers['x-event-position']!;
    // The grant shows the act of each: the order and the write-off.
    expect((await client.grant(grantId, { at, key: KEYS.programmeManager })).body.recovery).toMatchObject({
      orders: [{ reference: 'DD-2026-0412', act: orderAct }],
      writeOffs: [{ act: writeOffAct }],
    });

    const after = (await client.call(callId, { at, key: KEYS.programmeManager })).body;
    expect(after.remainingCents - before.remainingCents).toBe(1_000_000);
    expect(after).toMatchObject({
      recoveryDueCents: 1_400_000,
      recoveredCents: 1_000_000,
      writtenOffCents: 400_000,
      outstandingRecoveryCents: 0,
      interestReceivedCents: 12_500,
    });
    const dashboard = (await client.dashboard(PROGRAMME_ID, { at, key: KEYS.programmeManager })).body;
    const measure = dashboard.measures.find((m) => m.measureId === measureId('M4'))!;
    expect(measure.availableCents - measureBefore.availableCents).toBe(1_000_000);
    expect((await client.grant(grantId, { at, key: KEYS.programmeManager })).body.recovery).toMatchObject({
      dueCents: 1_400_000,
      orderedCents: 1_400_000,
      receivedCents: 1_000_000,
      interestReceivedCents: 12_500,
      writtenOffCents: 400_000,
      outstandingCents: 0,
    });

    // Every total on the dashboard is the sum of the events in the log.
    const events = await allEvents();
    const measureOf = new Map(
      events.filter((e) => e.type === 'GrantAwarded').map((e) => [data(e)['grantId'], data(e)['measureId']]),
    );
    const sum = (types: string[], field = 'amountCents') =>
      events
        .filter((e) => types.includes(e.type) && measureOf.get(data(e)['grantId']) === measureId('M4'))
        .reduce((total, e) => total + (data(e)[field] as number), 0);
    expect(measure.disbursedCents).toBe(sum(['DisbursementRecorded']));
    expect(measure.recoveredCents).toBe(sum(['RecoveryReceived']));
    expect(measure.interestReceivedCents).toBe(sum(['RecoveryReceived'], 'interestCents'));
    expect(measure.writtenOffCents).toBe(sum(['RecoveryWrittenOff']));
    expect(measure.declaredCents).toBe(sum(['ExpenditureClaimSubmitted'], 'declaredCents'));
    expect(measure.verifiedCents).toBe(sum(['ExpenditureClaimVerified'], 'eligibleCents'));
    expect(measure.releasedCents).toBe(
      sum(['GrantCompleted', 'GrantRevoked', 'ExpenditureClaimVerified', 'RecoveryReceived'], 'releasedCents'),
    );
    expect(measure.availableCents).toBe(measure.allocationCents - measure.committedCents + measure.releasedCents);
  });

  it("takes an item paid inside the eligibility period and the operation's dates, on a document of at least its amount, and shows both on the grant", async () => {
    const { grantId } = await grantAt60Percent();
    const { plannedStartDate, plannedEndDate } = operationDates();
    const before = await client.submitClaim(grantId, {
      kind: 'interim',
      items: [claimItem(100_000), claimItem(100_000, { paidOn: '2020-12-31' })],
    });
    expect(before.body).toMatchObject({
      statusCode: 422,
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      itemIndex: 1,
      paidOn: '2020-12-31',
      eligibleFrom: plannedStartDate,
      eligibleTo: plannedEndDate,
    });
    const after = await client.submitClaim(grantId, {
      kind: 'interim',
      items: [claimItem(100_000, { paidOn: dayFromNow(366) })],
    });
    expect(after.body).toMatchObject({ statusCode: 422, code: 'OUTSIDE_ELIGIBILITY_PERIOD', itemIndex: 0 });
    const beyond = await client.submitClaim(grantId, {
      kind: 'interim',
      items: [claimItem(100_001, { document: freshDocument(100_000) })],
    });
    expect(beyond.body).toMatchObject({
      statusCode: 422,
      code: 'ITEM_EXCEEDS_DOCUMENT',
      itemIndex: 0,
      amountCents: 100_001,
      documentAmountCents: 100_000,
    });
    expect(
      (
        await client.submitClaim(grantId, {
          kind: 'interim',
          items: [{ ...claimItem(1), document: { ...freshDocument(1), type: 'ticket' as 'invoice' } }],
        })
      ).status,
    ).toBe(400);

    const invoice = freshDocument(122_000, { type: 'invoice', number: 'FT 7/2026' });
    const taken = await client.submitClaim(grantId, {
      kind: 'interim',
      items: [claimItem(100_000, { paidOn: plannedStartDate, document: invoice })],
    });
    expect(taken.status).toBe(201);
    const grant = await client.grant(grantId, { at: taken.headers['x-event-position']!, key: KEYS.programmeManager });
    expect(grant.body).toMatchObject({
      fundingRateBp: 6000,
      claims: [{ items: [{ amountCents: 100_000, paidOn: plannedStartDate, document: invoice }] }],
    });
  });

  it('claims a document once in the programme: on another grant, or twice in one claim, however it is spelt, it is refused naming the claim that holds it', async () => {
    const first = await grantAt60Percent();
    const second = await grantAt60Percent();
    const invoice = freshDocument(500_000, { number: 'FT 12/2026' });
    const claimed = await client.submitClaim(first.grantId, {
      kind: 'interim',
      items: [claimItem(200_000, { document: invoice })],
    });
    expect(claimed.status).toBe(201);
    const again = await client.submitClaim(second.grantId, {
      kind: 'interim',
      items: [claimItem(300_000, { document: { ...invoice, number: '  ft 12/2026 ' } })],
    });
    expect(again.body).toMatchObject({
      statusCode: 422,
      code: 'DOCUMENT_ALREADY_CLAIMED',
      itemIndex: 0,
      claimId: claimed.body.claimId,
      grantId: first.grantId,
      earlierItemIndex: 0,
    });
    const other = freshDocument(500_000);
    const twice = await client.submitClaim(second.grantId, {
      claimId: `twice-${second.grantId.slice(0, 8)}`,
      kind: 'interim',
      items: [claimItem(100_000, { document: other }), claimItem(100_000, { document: other })],
    });
    expect(twice.body).toMatchObject({
      statusCode: 422,
      code: 'DOCUMENT_ALREADY_CLAIMED',
      itemIndex: 1,
      claimId: `twice-${second.grantId.slice(0, 8)}`,
      grantId: second.grantId,
      earlierItemIndex: 0,
    });
  });

  it('lets one of several claims racing on several grants with the same document take it', async () => {
    const grants = await Promise.all(Array.from({ length: 4 }, () => grantAt60Percent()));
    const invoice = freshDocument(1_000_000);
    const answers = await Promise.all(
      grants.map(({ grantId }) =>
        client.submitClaim(grantId, { kind: 'interim', items: [claimItem(500_000, { document: invoice })] }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 201))
      expect(refused.body).toMatchObject({ statusCode: 422, code: 'DOCUMENT_ALREADY_CLAIMED' });
  });

  it("awards an operation only inside its programme's eligibility period, and never one completed before its application", async () => {
    const callId = await client.openCall({ selection: 'first-come' });
    const bidId = await client.admissibleBid(callId, { requestedCents: 1_000_000 });
    const operation = (plannedStartDate: string, plannedEndDate: string) => ({
      plannedStartDate,
      plannedEndDate,
      istatMunicipalityCode: '001272',
      totalEligibleCostCents: 1_000_000,
    });
    const outside = await client.awardGrant(
      callId,
      awardBody(bidId, 1_000_000, { operation: operation('2020-06-01', dayFromNow(30)) }),
    );
    expect(outside.body).toMatchObject({
      statusCode: 422,
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      plannedStartDate: '2020-06-01',
      eligibleFrom: '2021-01-01',
      eligibleTo: '2029-12-31',
    });
    const completed = await client.awardGrant(
      callId,
      awardBody(bidId, 1_000_000, { operation: operation('2022-01-01', dayFromNow(-2)) }),
    );
    expect(completed.body).toMatchObject({
      statusCode: 422,
      code: 'OPERATION_COMPLETED_BEFORE_APPLICATION',
      plannedEndDate: dayFromNow(-2),
    });
    expect(
      (
        await client.awardGrant(
          callId,
          awardBody(bidId, 1_000_000, { operation: operation('2022-01-01', dayFromNow()) }),
        )
      ).status,
    ).toBe(201);
    // WECARE (2014-2020) took operations until 31 December 2023: none today.
    const dashboard = await client.dashboard('wecare');
    expect(dashboard.body.rules).toMatchObject({
      programmingPeriod: '2014-2020',
      eligibility: { from: '2014-01-01', to: '2023-12-31' },
    });
    const wecareCall = await client.openCall({
      programmeId: 'wecare',
      measureId: 'wecare-m4',
      selection: 'first-come',
    });
    const wecareBid = await client.admissibleBid(wecareCall, { requestedCents: 1_000_000 });
    expect((await client.awardGrant(wecareCall, awardBody(wecareBid, 1_000_000))).body).toMatchObject({
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      eligibleTo: '2023-12-31',
    });
  });

  const data = (e: RecordedEvent) => e.data as Record<string, unknown>;
  async function allEvents(): Promise<RecordedEvent[]> {
    const store = SqliteEventStore.open(join(api.dataDir, 'events.db'));
    try {
      return await store.readAll({ after: null });
    } finally {
      await store.close();
    }
  }
});
