import { describe, expect, it } from '@jest/globals';
import { ACT, EUR, G1_PLACE, disbursed, grantRevoked } from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { grantOnOpenCall } from '../../test-support/grant.fixtures.js';
import type { FundingEvent } from '../funding.events.js';
import type { GrantEvent } from '../grants/grant.events.js';
import type { OrderRecovery } from './order-recovery.js';
import type { RecordRecoveryReceipt } from './record-recovery-receipt.js';

const now = new Date('2026-10-01T10:00:00.000Z');
/** EUR 48,000 advanced, then the whole grant revoked: EUR 48,000 due back. */
const revoked = grantRevoked({
  reason: 'Fraud',
  revokedCents: EUR(120_000),
  releasedCents: EUR(72_000),
  recoveryDueCents: EUR(48_000),
  act: ACT,
});
const owing = (...later: GrantEvent[]): FundingEvent[] =>
  grantOnOpenCall(disbursed('d1', 'advance', EUR(48_000)), revoked, ...later);
const order = (orderId: string, amountCents: number): OrderRecovery => ({
  type: 'OrderRecovery',
  grantId: 'g1',
  orderId,
  amountCents,
  interestRateBp: 250,
  dueDate: '2026-12-31',
  reference: 'DD-2026-77',
  act: ACT,
});
const ordered = (orderId: string, amountCents: number): GrantEvent => ({
  type: 'RecoveryOrdered',
  data: {
    ...G1_PLACE,
    orderId,
    amountCents,
    interestRateBp: 250,
    dueDate: '2026-12-31',
    reference: 'DD-2026-77',
    act: ACT,
    orderedAt: '',
  },
});
const receive = (receiptId: string, amountCents: number, interestCents = 0): RecordRecoveryReceipt => ({
  type: 'RecordRecoveryReceipt',
  grantId: 'g1',
  receiptId,
  amountCents,
  interestCents,
  receivedAt: '2026-09-30',
  reference: 'TES-1',
});

describe('recovering money due', () => {
  it('orders what is due, each euro once', async () => {
    expect(await given(...owing()).when(order('o1', EUR(48_000)), now)).toEqual([
      { ...ordered('o1', EUR(48_000)), data: { ...ordered('o1', EUR(48_000)).data, orderedAt: now.toISOString() } },
    ]);
    await expectRefusal(
      given(...owing(ordered('o1', EUR(40_000)))).when(order('o2', EUR(8_000) + 1), now),
      'RECOVERY_EXCEEDS_DUE',
    );
    await expectRefusal(
      given(...owing(ordered('o1', EUR(40_000)))).when(order('o1', 1), now),
      'RECOVERY_ALREADY_RECORDED',
    );
  });

  it('records the act ordering the recovery, never one dated after today', async () => {
    const act = { number: 'D.D. 305/2026', date: '2026-10-01', signatory: 'Il Dirigente del Settore' };
    expect(await given(...owing()).when({ ...order('o1', EUR(48_000)), act }, now)).toMatchObject([
      { type: 'RecoveryOrdered', data: { act } },
    ]);
    await expectRefusal(
      given(...owing()).when({ ...order('o1', EUR(48_000)), act: { ...act, date: '2026-10-02' } }, now),
      'ACT_DATE_IN_FUTURE',
    );
    await expectRefusal(
      given(...owing()).when({ ...order('o1', EUR(48_000)), act: { ...act, signatory: ' ' } }, now),
      'INVALID_INPUT',
    );
  });

  it('records a receipt: its principal goes back to the call, its interest apart', async () => {
    const events = await given(...owing(ordered('o1', EUR(48_000)))).when(receive('r1', EUR(20_000), EUR(300)), now);
    expect(events).toEqual([
      {
        type: 'RecoveryReceived',
        data: {
          ...G1_PLACE,
          receiptId: 'r1',
          amountCents: EUR(20_000),
          interestCents: EUR(300),
          receivedAt: '2026-09-30',
          reference: 'TES-1',
          releasedCents: EUR(20_000),
          recordedAt: now.toISOString(),
        },
      },
      {
        type: 'CallBudgetReleased',
        data: {
          callId: 'c1',
          grantId: 'g1',
          amountCents: EUR(20_000),
          cause: 'recovery',
          releasedAt: now.toISOString(),
        },
      },
    ]);
  });

  it('receives no more principal than was ordered and is outstanding, and nothing dated after today', async () => {
    await expectRefusal(
      given(...owing(ordered('o1', EUR(10_000)))).when(receive('r1', EUR(10_000) + 1), now),
      'RECEIPT_EXCEEDS_ORDERED',
    );
    await expectRefusal(given(...owing()).when(receive('r1', 1), now), 'RECEIPT_EXCEEDS_ORDERED');
    await expectRefusal(
      given(...owing(ordered('o1', EUR(10_000)))).when({ ...receive('r1', 1), receivedAt: '2026-10-02' }, now),
      'INVALID_INPUT',
    );
    await expectRefusal(given(...owing(ordered('o1', EUR(10_000)))).when(receive('r1', 0, 0), now), 'INVALID_AMOUNT');
  });

  it('writes off what cannot be recovered, never more than is outstanding', async () => {
    const writtenOff = {
      type: 'RecoveryWrittenOff',
      data: { ...G1_PLACE, amountCents: EUR(28_000), reason: 'Beneficiary insolvent', act: ACT, writtenOffAt: '' },
    } as GrantEvent;
    const received = {
      type: 'RecoveryReceived',
      data: {
        ...G1_PLACE,
        receiptId: 'r1',
        amountCents: EUR(20_000),
        interestCents: 0,
        receivedAt: '2026-09-30',
        reference: 'TES-1',
        releasedCents: EUR(20_000),
        recordedAt: '',
      },
    } as GrantEvent;
    expect(
      await given(...owing(ordered('o1', EUR(48_000)), received)).when(
        { type: 'WriteOffRecovery', grantId: 'g1', reason: 'Beneficiary insolvent', act: ACT },
        now,
      ),
    ).toEqual([{ ...writtenOff, data: { ...writtenOff.data, writtenOffAt: now.toISOString() } }]);
    await expectRefusal(
      given(...owing(ordered('o1', EUR(48_000)))).when(
        { type: 'WriteOffRecovery', grantId: 'g1', amountCents: EUR(48_000) + 1, reason: 'x', act: ACT },
        now,
      ),
      'WRITE_OFF_EXCEEDS_OUTSTANDING',
    );
    await expectRefusal(
      given(...owing(ordered('o1', EUR(48_000)), received, writtenOff)).when(
        { type: 'WriteOffRecovery', grantId: 'g1', reason: 'x', act: ACT },
        now,
      ),
      'NOTHING_TO_RECOVER',
    );
    await expectRefusal(
      given(...owing(ordered('o1', EUR(48_000)))).when(
        { type: 'WriteOffRecovery', grantId: 'g1', reason: 'x', act: { ...ACT, date: '2026-10-02' } },
        now,
      ),
      'ACT_DATE_IN_FUTURE',
    );
    // Written off is no longer received.
    await expectRefusal(
      given(...owing(ordered('o1', EUR(48_000)), writtenOff)).when(receive('r2', EUR(20_000) + 1), now),
      'RECEIPT_EXCEEDS_OUTSTANDING',
    );
  });

  it('writes off nothing on a grant with no recovery ordered: the order comes first (NO_RECOVERY_ORDERED)', async () => {
    const writeOff = {
      type: 'WriteOffRecovery' as const,
      grantId: 'g1',
      reason: 'Beneficiary insolvent',
      act: { number: 'D.D. 310/2026', date: '2026-09-30', signatory: 'Dirigente Settore' },
    };
    // EUR 48,000 due after the revocation, none of it ordered back: nothing can be written off, in whole or in part.
    await expectRefusal(given(...owing()).when(writeOff, now), 'NO_RECOVERY_ORDERED');
    await expectRefusal(given(...owing()).when({ ...writeOff, amountCents: EUR(1_000) }, now), 'NO_RECOVERY_ORDERED');
    // Once an order is recorded, what is outstanding may be written off.
    expect(
      await given(...owing(ordered('o1', EUR(10_000)))).when({ ...writeOff, amountCents: EUR(1_000) }, now),
    ).toMatchObject([{ type: 'RecoveryWrittenOff', data: { grantId: 'g1', amountCents: EUR(1_000) } }]);
  });
});
