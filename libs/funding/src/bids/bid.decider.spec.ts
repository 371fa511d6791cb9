import { describe, expect, it } from '@jest/globals';
import {
  AFTER_WINDOW,
  BEFORE_WINDOW,
  EUR,
  IN_WINDOW,
  bidAdmissible,
  bidAwarded,
  bidSubmitted,
  callOpened,
  expectRefusal,
  fold,
} from '../../test-support/funding.fixtures.js';
import * as calls from '../calls/call.decider.js';
import type { CallEvent } from '../calls/call.events.js';
import { awardBid, decide, evolve, initialBid, type SubmitBid } from './bid.decider.js';
import type { BidEvent } from './bid.events.js';

const call = (...events: CallEvent[]) => fold(calls.evolve, calls.initialCall, events);
const bid = (...events: BidEvent[]) => fold(evolve, initialBid, events);
const openCall = call(callOpened);

const submitB1: SubmitBid = {
  type: 'SubmitBid',
  bidId: 'b1',
  callId: 'c1',
  applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
  projectTitle: 'Nido aziendale condiviso',
  requestedCents: EUR(150_000),
};

describe('submitting a bid', () => {
  it('records the bid when the call is open, the applicant eligible and the amount within the cap', () => {
    expect(decide(submitB1, { bid: bid(), call: openCall }, IN_WINDOW)).toEqual([bidSubmitted]);
  });

  it('accepts a request of exactly the cap', () => {
    const atCap = { ...submitB1, requestedCents: EUR(200_000) };
    expect(decide(atCap, { bid: bid(), call: openCall }, IN_WINDOW)).toHaveLength(1);
  });

  it('refuses a bid before the window opens and after it ends', () => {
    expectRefusal(() => decide(submitB1, { bid: bid(), call: openCall }, BEFORE_WINDOW), 'CALL_NOT_OPEN');
    expectRefusal(() => decide(submitB1, { bid: bid(), call: openCall }, AFTER_WINDOW), 'CALL_NOT_OPEN');
  });

  it('refuses a bid on a call closed or cancelled by command', () => {
    const closed = call(callOpened, { type: 'CallClosed', data: { callId: 'c1', closedAt: '' } });
    expectRefusal(() => decide(submitB1, { bid: bid(), call: closed }, IN_WINDOW), 'CALL_NOT_OPEN');
    const cancelled = call(callOpened, {
      type: 'CallCancelled',
      data: { callId: 'c1', reason: null, releasedCents: 0, cancelledAt: '' },
    });
    expectRefusal(() => decide(submitB1, { bid: bid(), call: cancelled }, IN_WINDOW), 'CALL_NOT_OPEN');
  });

  it('refuses a bid on an unknown call', () => {
    expectRefusal(() => decide(submitB1, { bid: bid(), call: call() }, IN_WINDOW), 'CALL_NOT_FOUND');
  });

  it('refuses an applicant type the call does not admit', () => {
    const municipality = { ...submitB1, applicant: { ...submitB1.applicant, type: 'municipality' as const } };
    expectRefusal(() => decide(municipality, { bid: bid(), call: openCall }, IN_WINDOW), 'APPLICANT_NOT_ELIGIBLE');
  });

  it('refuses a request above the per-bid cap (invariant 4)', () => {
    const above = { ...submitB1, requestedCents: EUR(200_000) + 1 };
    expectRefusal(() => decide(above, { bid: bid(), call: openCall }, IN_WINDOW), 'REQUEST_EXCEEDS_CAP');
  });

  it('caps requests at the budget when the call has no per-bid cap', () => {
    const uncapped = call({ ...callOpened, data: { ...callOpened.data, maxGrantCents: null } } as CallEvent);
    const whole = { ...submitB1, requestedCents: EUR(2_500_000) };
    expect(decide(whole, { bid: bid(), call: uncapped }, IN_WINDOW)).toHaveLength(1);
    expectRefusal(
      () => decide({ ...whole, requestedCents: whole.requestedCents + 1 }, { bid: bid(), call: uncapped }, IN_WINDOW),
      'REQUEST_EXCEEDS_CAP',
    );
  });

  it('refuses a zero or fractional request', () => {
    expectRefusal(() => decide({ ...submitB1, requestedCents: 0 }, { bid: bid(), call: openCall }, IN_WINDOW), 'INVALID_AMOUNT');
    expectRefusal(() => decide({ ...submitB1, requestedCents: 1.5 }, { bid: bid(), call: openCall }, IN_WINDOW), 'INVALID_AMOUNT');
  });

  it('refuses a bid without applicant name, tax code or project title', () => {
    const state = { bid: bid(), call: openCall };
    expectRefusal(() => decide({ ...submitB1, applicant: { ...submitB1.applicant, name: '' } }, state, IN_WINDOW), 'INVALID_INPUT');
    expectRefusal(() => decide({ ...submitB1, applicant: { ...submitB1.applicant, taxCode: '' } }, state, IN_WINDOW), 'INVALID_INPUT');
    expectRefusal(() => decide({ ...submitB1, projectTitle: ' ' }, state, IN_WINDOW), 'INVALID_INPUT');
  });

  it('refuses a bid id used before', () => {
    expectRefusal(() => decide(submitB1, { bid: bid(bidSubmitted), call: openCall }, IN_WINDOW), 'BID_ALREADY_EXISTS');
  });
});

describe('withdrawing a bid', () => {
  const withdraw = { type: 'WithdrawBid', bidId: 'b1' } as const;

  it('withdraws a submitted or evaluated bid', () => {
    const expected = [{ type: 'BidWithdrawn', data: { bidId: 'b1', callId: 'c1', withdrawnAt: IN_WINDOW.toISOString() } }];
    expect(decide(withdraw, { bid: bid(bidSubmitted), call: openCall }, IN_WINDOW)).toEqual(expected);
    expect(decide(withdraw, { bid: bid(bidSubmitted, bidAdmissible), call: openCall }, IN_WINDOW)).toEqual(expected);
  });

  it('refuses an unknown, withdrawn or awarded bid', () => {
    expectRefusal(() => decide(withdraw, { bid: bid(), call: openCall }, IN_WINDOW), 'BID_NOT_FOUND');
    const withdrawn = bid(bidSubmitted, { type: 'BidWithdrawn', data: { bidId: 'b1', callId: 'c1', withdrawnAt: '' } });
    expectRefusal(() => decide(withdraw, { bid: withdrawn, call: openCall }, IN_WINDOW), 'BID_WITHDRAWN');
    const awarded = bid(bidSubmitted, bidAdmissible, bidAwarded(EUR(100_000)));
    expectRefusal(() => decide(withdraw, { bid: awarded, call: openCall }, IN_WINDOW), 'BID_ALREADY_AWARDED');
  });
});

describe('evaluating a bid', () => {
  const now = new Date('2026-04-20T10:00:00.000Z');

  it('records an admissible bid with its score', () => {
    const command = { type: 'EvaluateBid', bidId: 'b1', admissible: true, score: 82 } as const;
    expect(decide(command, { bid: bid(bidSubmitted), call: openCall }, now)).toEqual([bidAdmissible]);
  });

  it('records an inadmissible bid without a score', () => {
    const command = { type: 'EvaluateBid', bidId: 'b1', admissible: false } as const;
    expect(decide(command, { bid: bid(bidSubmitted), call: openCall }, now)).toEqual([
      { type: 'BidEvaluated', data: { bidId: 'b1', callId: 'c1', admissible: false, score: null, evaluatedAt: now.toISOString() } },
    ]);
  });

  it.each([undefined, -1, 101, 50.5])('refuses an admissible bid with score %p', (score) => {
    const command = { type: 'EvaluateBid', bidId: 'b1', admissible: true, score } as const;
    expectRefusal(() => decide(command, { bid: bid(bidSubmitted), call: openCall }, now), 'INVALID_SCORE');
  });

  it('refuses a score on an inadmissible bid', () => {
    const command = { type: 'EvaluateBid', bidId: 'b1', admissible: false, score: 10 } as const;
    expectRefusal(() => decide(command, { bid: bid(bidSubmitted), call: openCall }, now), 'INVALID_SCORE');
  });

  it('refuses to evaluate twice, a withdrawn bid, or an unknown bid', () => {
    const command = { type: 'EvaluateBid', bidId: 'b1', admissible: true, score: 70 } as const;
    expectRefusal(() => decide(command, { bid: bid(bidSubmitted, bidAdmissible), call: openCall }, now), 'BID_ALREADY_EVALUATED');
    const withdrawn = bid(bidSubmitted, { type: 'BidWithdrawn', data: { bidId: 'b1', callId: 'c1', withdrawnAt: '' } });
    expectRefusal(() => decide(command, { bid: withdrawn, call: openCall }, now), 'BID_WITHDRAWN');
    expectRefusal(() => decide(command, { bid: bid(), call: openCall }, now), 'BID_NOT_FOUND');
  });
});

describe('marking a bid awarded', () => {
  const award = { bidId: 'b1', callId: 'c1', grantId: 'g1', amountCents: EUR(120_000) };

  it('awards an admissible bid up to its requested amount', () => {
    expect(awardBid(bid(bidSubmitted, bidAdmissible), { ...award, amountCents: EUR(150_000) }, IN_WINDOW)).toHaveLength(1);
  });

  it('refuses more than was requested (invariant 4)', () => {
    expectRefusal(() => awardBid(bid(bidSubmitted, bidAdmissible), { ...award, amountCents: EUR(150_000) + 1 }, IN_WINDOW), 'AWARD_EXCEEDS_REQUEST');
  });
});
