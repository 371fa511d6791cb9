import { describe, expect, it } from '@jest/globals';
import {
  AFTER_WINDOW,
  CLOSES,
  EUR,
  IN_WINDOW,
  OPENS,
  budgetCommitted,
  budgetReserved,
  callOpened,
  expectRefusal,
  fold,
  measureDefined,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import * as programmes from '../programmes/programme.decider.js';
import type { ProgrammeEvent } from '../programmes/programme.events.js';
import { acceptsBidsAt, callRemainingCents, decide, evolve, initialCall, requireCall, type OpenCall } from './call.decider.js';
import type { CallEvent } from './call.events.js';

const now = new Date('2026-01-10T09:00:00.000Z');
const programme = (...events: ProgrammeEvent[]) => fold(programmes.evolve, programmes.initialProgramme, events);
const call = (...events: CallEvent[]) => fold(evolve, initialCall, events);

const withMeasure = programme(programmeEstablished, measureDefined);
const withReservation = programme(programmeEstablished, measureDefined, budgetReserved);

const openC1: OpenCall = {
  type: 'OpenCall',
  callId: 'c1',
  programmeId: 'wecare',
  measureId: 'm4',
  title: 'Welfare aziendale: design and activation',
  budgetCents: EUR(2_500_000),
  opensAt: OPENS,
  closesAt: CLOSES,
  eligibleApplicantTypes: ['company', 'third-sector'],
  maxGrantCents: EUR(200_000),
};

describe('opening a call', () => {
  it('opens the call and reserves its budget from the measure, one event per stream', () => {
    expect(decide(openC1, { call: call(), programme: withMeasure }, now)).toEqual({
      call: [callOpened],
      programme: [budgetReserved],
    });
  });

  it('records a null cap when the call has none', () => {
    const { call: events } = decide({ ...openC1, maxGrantCents: undefined }, { call: call(), programme: withMeasure }, now);
    expect(events[0]?.type === 'CallOpened' && events[0].data.maxGrantCents).toBeNull();
  });

  it('refuses a budget above what the measure has unreserved (invariant 2)', () => {
    const second = { ...openC1, callId: 'c2', budgetCents: EUR(1_500_000) + 1, maxGrantCents: null };
    expectRefusal(() => decide(second, { call: call(), programme: withReservation }, now), 'MEASURE_ALLOCATION_EXCEEDED');
  });

  it('accepts a budget that uses the rest of the measure exactly', () => {
    const second = { ...openC1, callId: 'c2', budgetCents: EUR(1_500_000), maxGrantCents: null };
    expect(decide(second, { call: call(), programme: withReservation }, now).programme).toHaveLength(1);
  });

  it('refuses a call id used before', () => {
    expectRefusal(() => decide(openC1, { call: call(callOpened), programme: withMeasure }, now), 'CALL_ALREADY_EXISTS');
  });

  it('refuses an unknown programme or measure', () => {
    expectRefusal(() => decide(openC1, { call: call(), programme: programme() }, now), 'PROGRAMME_NOT_FOUND');
    expectRefusal(
      () => decide({ ...openC1, measureId: 'm9' }, { call: call(), programme: withMeasure }, now),
      'MEASURE_NOT_FOUND',
    );
  });

  it('refuses a window that closes before it opens, or an unreadable date', () => {
    const state = { call: call(), programme: withMeasure };
    expectRefusal(() => decide({ ...openC1, opensAt: CLOSES, closesAt: OPENS }, state, now), 'INVALID_CALL_WINDOW');
    expectRefusal(() => decide({ ...openC1, closesAt: OPENS }, state, now), 'INVALID_CALL_WINDOW');
    expectRefusal(() => decide({ ...openC1, opensAt: 'next monday' }, state, now), 'INVALID_INPUT');
  });

  it('refuses a call without eligible applicant types, or with an unknown one', () => {
    const state = { call: call(), programme: withMeasure };
    expectRefusal(() => decide({ ...openC1, eligibleApplicantTypes: [] }, state, now), 'NO_ELIGIBLE_APPLICANT_TYPES');
    const unknown = { ...openC1, eligibleApplicantTypes: ['bank'] } as unknown as OpenCall;
    expectRefusal(() => decide(unknown, state, now), 'INVALID_INPUT');
  });

  it('refuses a per-bid cap above the budget, and non-positive amounts', () => {
    const state = { call: call(), programme: withMeasure };
    expectRefusal(() => decide({ ...openC1, maxGrantCents: EUR(2_500_000) + 1 }, state, now), 'MAX_GRANT_EXCEEDS_BUDGET');
    expectRefusal(() => decide({ ...openC1, maxGrantCents: 0 }, state, now), 'INVALID_AMOUNT');
    expectRefusal(() => decide({ ...openC1, budgetCents: -5 }, state, now), 'INVALID_AMOUNT');
  });

  it('refuses a call without a title', () => {
    expectRefusal(() => decide({ ...openC1, title: '' }, { call: call(), programme: withMeasure }, now), 'INVALID_INPUT');
  });
});

describe('the call window', () => {
  const open = requireCall(call(callOpened), 'c1');

  it('accepts bids from opensAt (inclusive) to closesAt (exclusive)', () => {
    expect(acceptsBidsAt(open, new Date(OPENS))).toBe(true);
    expect(acceptsBidsAt(open, IN_WINDOW)).toBe(true);
    expect(acceptsBidsAt(open, new Date(Date.parse(OPENS) - 1))).toBe(false);
    expect(acceptsBidsAt(open, new Date(CLOSES))).toBe(false);
    expect(acceptsBidsAt(open, AFTER_WINDOW)).toBe(false);
  });

  it('a call closed by command accepts no bids, even inside its window', () => {
    const closed = requireCall(call(callOpened, { type: 'CallClosed', data: { callId: 'c1', closedAt: '' } }), 'c1');
    expect(acceptsBidsAt(closed, IN_WINDOW)).toBe(false);
  });
});

describe('closing a call', () => {
  it('closes an open call', () => {
    expect(decide({ type: 'CloseCall', callId: 'c1' }, { call: call(callOpened), programme: withReservation }, now)).toEqual({
      call: [{ type: 'CallClosed', data: { callId: 'c1', closedAt: now.toISOString() } }],
      programme: [],
    });
  });

  it('refuses an unknown, closed or cancelled call', () => {
    const close = { type: 'CloseCall', callId: 'c1' } as const;
    expectRefusal(() => decide(close, { call: call(), programme: withReservation }, now), 'CALL_NOT_FOUND');
    const closed = call(callOpened, { type: 'CallClosed', data: { callId: 'c1', closedAt: '' } });
    expectRefusal(() => decide(close, { call: closed, programme: withReservation }, now), 'CALL_ALREADY_CLOSED');
    const cancelled = call(callOpened, {
      type: 'CallCancelled',
      data: { callId: 'c1', reason: null, releasedCents: 0, cancelledAt: '' },
    });
    expectRefusal(() => decide(close, { call: cancelled, programme: withReservation }, now), 'CALL_CANCELLED');
  });
});

describe('cancelling a call', () => {
  const cancel = { type: 'CancelCall', callId: 'c1', reason: 'Regional budget law changed' } as const;

  it('cancels the call and hands its reservation back to the measure, once', () => {
    const decision = decide(cancel, { call: call(callOpened), programme: withReservation }, now);
    expect(decision.call).toEqual([
      {
        type: 'CallCancelled',
        data: { callId: 'c1', reason: 'Regional budget law changed', releasedCents: EUR(2_500_000), cancelledAt: now.toISOString() },
      },
    ]);
    expect(decision.programme).toEqual([
      {
        type: 'MeasureReservationReleased',
        data: { programmeId: 'wecare', measureId: 'm4', callId: 'c1', amountCents: EUR(2_500_000), releasedAt: now.toISOString() },
      },
    ]);
    const cancelled = fold(evolve, call(callOpened), decision.call);
    expectRefusal(() => decide(cancel, { call: cancelled, programme: withReservation }, now), 'CALL_CANCELLED');
  });

  it('refuses to cancel a call that has awarded grants', () => {
    const state = { call: call(callOpened, budgetCommitted(EUR(100_000))), programme: withReservation };
    expectRefusal(() => decide(cancel, state, now), 'CALL_HAS_GRANTS');
  });

  it('refuses an unknown call', () => {
    expectRefusal(() => decide(cancel, { call: call(), programme: withReservation }, now), 'CALL_NOT_FOUND');
  });
});

describe('the call remaining budget', () => {
  it('is budget − committed + released (invariant 3)', () => {
    const state = requireCall(
      call(callOpened, budgetCommitted(EUR(200_000)), budgetCommitted(EUR(100_000), 'g2', 'b2'), {
        type: 'CallBudgetReleased',
        data: { callId: 'c1', grantId: 'g2', amountCents: EUR(40_000), cause: 'revocation', releasedAt: '' },
      }),
      'c1',
    );
    expect(callRemainingCents(state)).toBe(EUR(2_500_000 - 200_000 - 100_000 + 40_000));
  });
});
