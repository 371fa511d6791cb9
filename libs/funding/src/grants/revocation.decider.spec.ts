/** Revoking a grant, whole or in part (revoke-grant.ts): what goes back to the call and what becomes due for recovery. */
import { describe, expect, it } from '@jest/globals';
import { ACT, EUR, G1_PLACE, disbursed, fold } from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { activeGrant, admissibleBid } from '../../test-support/grant.fixtures.js';
import type { CallEvent } from '../calls/call.events.js';
import type { FundingEvent } from '../funding.events.js';
import { streamOf } from '../streams.js';
import { GRANT, requireGrant } from './grant.js';
import type { GrantEvent } from './grant.events.js';
import type { RevokeGrant } from './revoke-grant.js';

/** The grant's own state after those events (its stream's share of them). */
const grantAfter = (events: readonly FundingEvent[]) =>
  requireGrant(fold(GRANT, ...(events.filter((e) => streamOf(e) === 'grant-g1') as GrantEvent[])), 'g1');

describe('revoking a grant', () => {
  const revokedAt = new Date('2026-09-01T10:00:00.000Z');
  const revoke = (amountCents?: number): RevokeGrant => ({
    type: 'RevokeGrant',
    grantId: 'g1',
    reason: 'Activities not carried out as approved',
    amountCents,
    act: ACT,
  });
  const released = (amountCents: number): CallEvent => ({
    type: 'CallBudgetReleased',
    data: { callId: 'c1', grantId: 'g1', amountCents, cause: 'revocation', releasedAt: revokedAt.toISOString() },
  });

  it('a whole revocation of an unpaid grant releases the whole award to the call and recovers nothing', async () => {
    const events = await given(...activeGrant()).when(revoke(), revokedAt);
    expect(events).toEqual([
      {
        type: 'GrantRevoked',
        data: {
          ...G1_PLACE,
          reason: 'Activities not carried out as approved',
          covar: null,
          whole: true,
          revokedCents: EUR(120_000),
          awardAfterCents: 0,
          releasedCents: EUR(120_000),
          recoveryDueCents: 0,
          recoveryDueAddedCents: 0,
          act: ACT,
          revokedAt: revokedAt.toISOString(),
        },
      },
      released(EUR(120_000)),
    ]);
  });

  it('a whole revocation after an advance releases the undisbursed part and records the advance as due (invariant 6)', async () => {
    const [revoked] = await given(...activeGrant(disbursed('d1', 'advance', EUR(48_000)))).when(revoke(), revokedAt);
    expect(revoked).toMatchObject({
      data: {
        whole: true,
        releasedCents: EUR(72_000),
        recoveryDueCents: EUR(48_000),
        recoveryDueAddedCents: EUR(48_000),
      },
    });
  });

  it('a partial revocation above what is unpaid reduces the award below the paid amount: recovery due = paid − reduced award', async () => {
    // award 120k, paid 100k, revoke 50k → award 70k, release 20k (the unpaid part), recover 30k
    const history = activeGrant(disbursed('d1', 'advance', EUR(48_000)), disbursed('d2', 'interim', EUR(52_000)));
    const events = await given(...history).when(revoke(EUR(50_000)), revokedAt);
    expect(events[0]).toMatchObject({
      data: {
        whole: false,
        revokedCents: EUR(50_000),
        awardAfterCents: EUR(70_000),
        releasedCents: EUR(20_000),
        recoveryDueCents: EUR(30_000),
        recoveryDueAddedCents: EUR(30_000),
      },
    });
    expect(grantAfter([...history, ...events])).toMatchObject({
      status: 'active',
      originalAwardCents: EUR(120_000),
      currentAwardCents: EUR(70_000),
      paidCents: EUR(100_000),
    });
    // A second cut adds only its own part to what is due.
    const [second] = await given(...history, ...events).when(revoke(EUR(10_000)), revokedAt);
    expect(second).toMatchObject({
      data: {
        awardAfterCents: EUR(60_000),
        releasedCents: 0,
        recoveryDueCents: EUR(40_000),
        recoveryDueAddedCents: EUR(10_000),
      },
    });
  });

  it('a partial revocation within the unpaid part releases exactly the revoked amount, once', async () => {
    const history = activeGrant(disbursed('d1', 'advance', EUR(48_000)));
    const first = await given(...history).when(revoke(EUR(20_000)), revokedAt);
    expect(first).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ releasedCents: EUR(20_000), recoveryDueCents: 0 }) }),
      released(EUR(20_000)),
    ]);
    const second = await given(...history, ...first).when(revoke(EUR(20_000)), revokedAt);
    expect(second[0]).toMatchObject({ data: { awardAfterCents: EUR(80_000), releasedCents: EUR(20_000) } });
  });

  it('revoking a completed grant releases nothing more and records what must come back', async () => {
    const completedGrant = activeGrant(disbursed('d1', 'final', EUR(100_000)), {
      type: 'GrantCompleted',
      data: {
        ...G1_PLACE,
        actualEndDate: '2026-06-01',
        paidCents: EUR(100_000),
        releasedCents: EUR(20_000),
        completedAt: '',
      },
    });
    const events = await given(...completedGrant).when(revoke(EUR(30_000)), revokedAt);
    expect(events).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          whole: false,
          awardAfterCents: EUR(90_000),
          releasedCents: 0,
          recoveryDueCents: EUR(10_000),
        }),
      }),
    ]);
  });

  it('refuses to revoke twice, more than the award, a zero amount, without a reason, or an unknown grant', async () => {
    const revoked = await given(...activeGrant()).when(revoke(), revokedAt);
    await expectRefusal(given(...activeGrant(), ...revoked).when(revoke(), revokedAt), 'GRANT_ALREADY_REVOKED');
    await expectRefusal(given(...activeGrant()).when(revoke(EUR(120_000) + 1), revokedAt), 'REVOCATION_EXCEEDS_AWARD');
    await expectRefusal(given(...activeGrant()).when(revoke(0), revokedAt), 'INVALID_AMOUNT');
    await expectRefusal(
      given(...activeGrant()).when({ type: 'RevokeGrant', grantId: 'g1', reason: '', act: ACT }, revokedAt),
      'INVALID_INPUT',
    );
    await expectRefusal(
      given(...activeGrant()).when({ ...revoke(), act: { ...ACT, date: '2026-09-02' } }, revokedAt),
      'ACT_DATE_IN_FUTURE',
    );
    await expectRefusal(given(...admissibleBid).when(revoke(), revokedAt), 'GRANT_NOT_FOUND');
  });
});
