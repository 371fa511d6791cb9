/**
 * Recoveries on the real process: money paid beyond a revoked award is ordered back, received and
 * written off, and what is received becomes available money again on the call and the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { SqliteEventStore, type RecordedEvent } from '@app/event-store';
import { KEYS, type ApiProcess } from './support/api-process.js';
import { expenditureSteps } from './support/expenditure-api.js';
import { actBody, FundingClient, PROGRAMME_ID, measureId } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

describe('expenditure claims, verifications and recoveries', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient()));
  afterAll(() => stopAndRemove(api));

  const { pay, grantAt60Percent } = expenditureSteps(() => client);

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
