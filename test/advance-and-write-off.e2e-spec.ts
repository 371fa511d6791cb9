/**
 * Two rules on a grant's money, on the real process: the advance shows how much of it verified
 * expenditure does not cover yet (`advanceUncovered`), and nothing is written off as irrecoverable
 * before its recovery was ordered (NO_RECOVERY_ORDERED).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KEYS, type ApiProcess } from './support/api-process.js';
import { grantOf60k } from './support/expenditure-api.js';
import { FundingClient, actBody } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

describe('the advance not yet covered, and write-offs', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient()));
  afterAll(() => stopAndRemove(api));

  /** A grant of EUR 60,000 on an operation of EUR 100,000, its call paying 40% in advance. */
  const grant = async (): Promise<string> => (await grantOf60k(client)).grantId;

  it('shows the advance not yet covered by verified expenditure on the grant, falling as expenditure is verified, never below zero', async () => {
    const grantId = await grant();
    const paid = await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 2_400_000 });
    expect(paid.status).toBe(201);
    const advanced = (
      await client.grant(grantId, { at: paid.headers['x-event-position']!, key: KEYS.programmeManager })
    ).body;
    expect(advanced).toMatchObject({ disbursedCents: 2_400_000, advanceUncovered: 2_400_000 });
    // What verified expenditure covers: the grant's funding rate (or, on a call without one, award / total eligible cost) times it.
    const covered = (eligibleCents: number) =>
      Math.min(
        6_000_000,
        advanced.fundingRateBp === null || advanced.fundingRateBp === undefined
          ? Math.floor((6_000_000 * eligibleCents) / 10_000_000)
          : Math.floor((advanced.fundingRateBp * eligibleCents) / 10_000),
      );

    await client.verifiedClaim(grantId, 2_000_000);
    const afterFirst = await waitForGrant(grantId, (g) => g.verifiedCents === 2_000_000);
    expect(afterFirst.advanceUncovered).toBe(Math.max(0, 2_400_000 - covered(2_000_000)));
    expect(afterFirst.advanceUncovered).toBeGreaterThan(0);

    await client.verifiedClaim(grantId, 4_000_000);
    const afterSecond = await waitForGrant(grantId, (g) => g.verifiedCents === 6_000_000);
    expect(afterSecond.advanceUncovered).toBe(Math.max(0, 2_400_000 - covered(6_000_000)));
    // The viewer's list shows the same figure.
    const listed = (await client.grants({}, { key: KEYS.viewer })).body.items.find((g) => g.grantId === grantId);
    expect(listed?.advanceUncovered).toBe(afterSecond.advanceUncovered);
  });

  it('refuses a write-off on a grant with no recovery ordered (422 NO_RECOVERY_ORDERED), and takes it once one is', async () => {
    const grantId = await grant();
    await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 2_400_000 });
    // The award cut to EUR 10,000: EUR 14,000 of the advance is due back, none of it ordered yet.
    expect(
      (await client.revokeGrant(grantId, { reason: 'Attività non realizzate', amountCents: 5_000_000, act: actBody() }))
        .status,
    ).toBe(200);
    const refused = await client.writeOffRecovery(grantId, { reason: 'Beneficiario in liquidazione', act: actBody() });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('NO_RECOVERY_ORDERED');
    const partial = await client.writeOffRecovery(grantId, {
      reason: 'Beneficiario in liquidazione',
      amountCents: 100_000,
      act: actBody(),
    });
    expect(partial.body.code).toBe('NO_RECOVERY_ORDERED');

    const ordered = await client.orderRecovery(grantId, {
      amountCents: 1_400_000,
      interestRateBp: 250,
      dueDate: '2027-03-31',
      reference: 'DD-2026-0613',
      act: actBody(),
    });
    expect(ordered.status).toBe(201);
    const writtenOff = await client.writeOffRecovery(grantId, {
      reason: 'Beneficiario in liquidazione',
      act: actBody(),
    });
    expect(writtenOff.status).toBe(200);
    expect(
      (await client.grant(grantId, { at: writtenOff.headers['x-event-position']!, key: KEYS.programmeManager })).body
        .recovery,
    ).toMatchObject({ dueCents: 1_400_000, orderedCents: 1_400_000, writtenOffCents: 1_400_000, outstandingCents: 0 });
  });

  /** The grant once the read models show `ready` (the claim helpers answer no position). */
  async function waitForGrant(grantId: string, ready: (g: { verifiedCents: number }) => boolean) {
    for (let i = 0; i < 100; i++) {
      const res = await client.grant(grantId, { key: KEYS.programmeManager });
      if (res.status === 200 && ready(res.body)) return res.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`grant ${grantId} never got there`);
  }
});
