import { describe, expect, it } from '@jest/globals';
import {
  AFTER_WINDOW,
  C1_TERMS,
  CLOSES,
  EUR,
  IN_WINDOW,
  OPENS,
  budgetCommitted,
  budgetReserved,
  callOpened,
  fold,
  measureDefined,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { CALL, acceptsBidsAt, callRemainingCents, requireCall } from './call.js';
import type { CallEvent } from './call.events.js';
import type { CancelCall } from './cancel-call.js';
import type { CloseCall } from './close-call.js';
import type { OpenCall } from './open-call.js';

const now = new Date('2026-01-10T09:00:00.000Z');
const withMeasure = [programmeEstablished, measureDefined] as const;
const callClosed: CallEvent = { type: 'CallClosed', data: { callId: 'c1', closedAt: '' } };

const openC1: OpenCall = { type: 'OpenCall', ...C1_TERMS };

describe('opening a call', () => {
  it('opens the call and reserves its budget from the measure, in one append', async () => {
    expect(await given(...withMeasure).when(openC1, now)).toEqual([callOpened, budgetReserved]);
  });

  it('records a null cap when the call has none', async () => {
    const [event] = await given(...withMeasure).when({ ...openC1, maxGrantCents: undefined }, now);
    expect(event?.type === 'CallOpened' && event.data.maxGrantCents).toBeNull();
  });

  it('refuses a budget above what the measure has unreserved (invariant 2)', async () => {
    const second = { ...openC1, callId: 'c2', budgetCents: EUR(1_500_000) + 1, maxGrantCents: null };
    await expectRefusal(
      given(...withMeasure, callOpened, budgetReserved).when(second, now),
      'MEASURE_ALLOCATION_EXCEEDED',
    );
  });

  it('accepts a budget that uses the rest of the measure exactly', async () => {
    const second = { ...openC1, callId: 'c2', budgetCents: EUR(1_500_000), maxGrantCents: null };
    expect(await given(...withMeasure, callOpened, budgetReserved).when(second, now)).toHaveLength(2);
  });

  it('refuses a call id used before', async () => {
    await expectRefusal(given(...withMeasure, callOpened, budgetReserved).when(openC1, now), 'CALL_ALREADY_EXISTS');
  });

  it('refuses an unknown programme or measure', async () => {
    await expectRefusal(given().when(openC1, now), 'PROGRAMME_NOT_FOUND');
    await expectRefusal(given(...withMeasure).when({ ...openC1, measureId: 'm9' }, now), 'MEASURE_NOT_FOUND');
    await expectRefusal(given(...withMeasure).when({ ...openC1, measureId: 'constructor' }, now), 'MEASURE_NOT_FOUND');
  });

  it('refuses a window that closes before it opens, or an unreadable date', async () => {
    await expectRefusal(
      given(...withMeasure).when({ ...openC1, opensAt: CLOSES, closesAt: OPENS }, now),
      'INVALID_CALL_WINDOW',
    );
    await expectRefusal(given(...withMeasure).when({ ...openC1, closesAt: OPENS }, now), 'INVALID_CALL_WINDOW');
    await expectRefusal(given(...withMeasure).when({ ...openC1, opensAt: 'next monday' }, now), 'INVALID_INPUT');
  });

  it('refuses a call without eligible applicant types, or with an unknown one', async () => {
    await expectRefusal(
      given(...withMeasure).when({ ...openC1, eligibleApplicantTypes: [] }, now),
      'NO_ELIGIBLE_APPLICANT_TYPES',
    );
    const unknown = { ...openC1, eligibleApplicantTypes: ['bank'] } as unknown as OpenCall;
    await expectRefusal(given(...withMeasure).when(unknown, now), 'INVALID_INPUT');
  });

  it('refuses a per-bid cap above the budget, and non-positive amounts', async () => {
    await expectRefusal(
      given(...withMeasure).when({ ...openC1, maxGrantCents: EUR(2_500_000) + 1 }, now),
      'MAX_GRANT_EXCEEDS_BUDGET',
    );
    await expectRefusal(given(...withMeasure).when({ ...openC1, maxGrantCents: 0 }, now), 'INVALID_AMOUNT');
    await expectRefusal(given(...withMeasure).when({ ...openC1, budgetCents: -5 }, now), 'INVALID_AMOUNT');
  });

  it('takes the advance share in whole basis points from 0 to 10000, none by default', async () => {
    const [event] = await given(...withMeasure).when({ ...openC1, advanceShareBp: undefined }, now);
    expect(event).toMatchObject({ data: { advanceShareBp: 0 } });
    for (const share of [-1, 10_001, 12.5])
      await expectRefusal(given(...withMeasure).when({ ...openC1, advanceShareBp: share }, now), 'INVALID_INPUT');
  });

  it('takes the funding rate in whole basis points from 1 to 10000, 100% by default: its grants are paid that share of their verified expenditure', async () => {
    const [event] = await given(...withMeasure).when({ ...openC1, fundingRateBp: undefined }, now);
    expect(event).toMatchObject({ data: { fundingRateBp: 10_000 } });
    for (const rate of [0, -1, 10_001, 62.5])
      await expectRefusal(given(...withMeasure).when({ ...openC1, fundingRateBp: rate }, now), 'INVALID_INPUT');
  });

  it('refuses a call without a title', async () => {
    await expectRefusal(given(...withMeasure).when({ ...openC1, title: '' }, now), 'INVALID_INPUT');
  });
});

describe('the call window', () => {
  const open = requireCall(fold(CALL, callOpened), 'c1');

  it('accepts bids from opensAt (inclusive) to closesAt (exclusive)', () => {
    expect(acceptsBidsAt(open, new Date(OPENS))).toBe(true);
    expect(acceptsBidsAt(open, IN_WINDOW)).toBe(true);
    expect(acceptsBidsAt(open, new Date(Date.parse(OPENS) - 1))).toBe(false);
    expect(acceptsBidsAt(open, new Date(CLOSES))).toBe(false);
    expect(acceptsBidsAt(open, AFTER_WINDOW)).toBe(false);
  });

  it('a call closed by command accepts no bids, even inside its window', () => {
    expect(acceptsBidsAt(requireCall(fold(CALL, callOpened, callClosed), 'c1'), IN_WINDOW)).toBe(false);
  });
});

describe('closing a call', () => {
  const close: CloseCall = { type: 'CloseCall', callId: 'c1' };

  it('closes an open call', async () => {
    expect(await given(callOpened).when(close, now)).toEqual([
      { type: 'CallClosed', data: { callId: 'c1', closedAt: now.toISOString() } },
    ]);
  });

  it('refuses an unknown, closed or cancelled call', async () => {
    await expectRefusal(given().when(close, now), 'CALL_NOT_FOUND');
    await expectRefusal(given(callOpened, callClosed).when(close, now), 'CALL_ALREADY_CLOSED');
    const cancelled: CallEvent = {
      type: 'CallCancelled',
      data: { callId: 'c1', reason: null, releasedCents: 0, cancelledAt: '' },
    };
    await expectRefusal(given(callOpened, cancelled).when(close, now), 'CALL_CANCELLED');
  });
});

describe('cancelling a call', () => {
  const cancel: CancelCall = { type: 'CancelCall', callId: 'c1', reason: 'Regional budget law changed' };
  const opened = [...withMeasure, callOpened, budgetReserved] as const;
  const cancelled: CallEvent[] = [
    {
      type: 'CallCancelled',
      data: {
        callId: 'c1',
        reason: 'Regional budget law changed',
        releasedCents: EUR(2_500_000),
        cancelledAt: now.toISOString(),
      },
    },
  ];

  it('cancels the call and hands its reservation back to the measure, once, in one append', async () => {
    expect(await given(...opened).when(cancel, now)).toEqual([
      ...cancelled,
      {
        type: 'MeasureReservationReleased',
        data: {
          programmeId: 'wecare',
          measureId: 'm4',
          callId: 'c1',
          amountCents: EUR(2_500_000),
          releasedAt: now.toISOString(),
        },
      },
    ]);
    await expectRefusal(given(...opened, ...cancelled).when(cancel, now), 'CALL_CANCELLED');
  });

  it('refuses to cancel a call that has awarded grants', async () => {
    await expectRefusal(given(...opened, budgetCommitted(EUR(100_000))).when(cancel, now), 'CALL_HAS_GRANTS');
  });

  it('refuses an unknown call', async () => {
    await expectRefusal(given(...withMeasure).when(cancel, now), 'CALL_NOT_FOUND');
  });
});

describe('the call remaining budget', () => {
  it('is budget − committed + released (invariant 3)', () => {
    const state = requireCall(
      fold(CALL, callOpened, budgetCommitted(EUR(200_000)), budgetCommitted(EUR(100_000), 'g2', 'b2'), {
        type: 'CallBudgetReleased',
        data: { callId: 'c1', grantId: 'g2', amountCents: EUR(40_000), cause: 'revocation', releasedAt: '' },
      }),
      'c1',
    );
    expect(callRemainingCents(state)).toBe(EUR(2_500_000 - 200_000 - 100_000 + 40_000));
  });
});
