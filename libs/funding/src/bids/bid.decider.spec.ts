import { describe, expect, it } from '@jest/globals';
import {
  AFTER_WINDOW,
  BEFORE_WINDOW,
  EUR,
  EVALUATOR,
  IN_WINDOW,
  bidAdmissible,
  bidAwarded,
  bidSubmitted,
  callOpened,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import type { CallEvent } from '../calls/call.events.js';
import type { BidEvent } from './bid.events.js';
import type { EvaluateBid } from './evaluate-bid.js';
import type { SubmitBid } from './submit-bid.js';
import type { WithdrawBid } from './withdraw-bid.js';

const company = {
  kind: 'legal-person',
  type: 'company',
  taxCode: '01234567890',
  name: 'Officine Riunite Srl',
} as const;
const submitB1: SubmitBid = {
  type: 'SubmitBid',
  bidId: 'b1',
  callId: 'c1',
  submittedBy: 'portal-1',
  applicant: { kind: 'legal-person', type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
  projectTitle: 'Nido aziendale condiviso',
  requestedCents: EUR(150_000),
};
const callClosed: CallEvent = { type: 'CallClosed', data: { callId: 'c1', closedAt: '' } };
const callCancelled: CallEvent = {
  type: 'CallCancelled',
  data: { callId: 'c1', reason: null, releasedCents: 0, cancelledAt: '' },
};
const withdrawn = (previousStatus: 'submitted' | 'admissible' | 'inadmissible'): BidEvent => ({
  type: 'BidWithdrawn',
  data: { bidId: 'b1', callId: 'c1', previousStatus, withdrawnAt: IN_WINDOW.toISOString() },
});

describe('submitting a bid', () => {
  it('records the bid when the call is open, the applicant eligible and the amount within the cap', async () => {
    expect(await given(callOpened).when(submitB1, IN_WINDOW)).toEqual([bidSubmitted]);
  });

  it('accepts a request of exactly the cap', async () => {
    expect(await given(callOpened).when({ ...submitB1, requestedCents: EUR(200_000) }, IN_WINDOW)).toHaveLength(1);
  });

  it('refuses a bid before the window opens and after it ends', async () => {
    await expectRefusal(given(callOpened).when(submitB1, BEFORE_WINDOW), 'CALL_NOT_OPEN');
    await expectRefusal(given(callOpened).when(submitB1, AFTER_WINDOW), 'CALL_NOT_OPEN');
  });

  it('refuses a bid on a call closed or cancelled by command', async () => {
    await expectRefusal(given(callOpened, callClosed).when(submitB1, IN_WINDOW), 'CALL_NOT_OPEN');
    await expectRefusal(given(callOpened, callCancelled).when(submitB1, IN_WINDOW), 'CALL_NOT_OPEN');
  });

  it('refuses a bid on an unknown call', async () => {
    await expectRefusal(given().when(submitB1, IN_WINDOW), 'CALL_NOT_FOUND');
  });

  it('refuses an applicant type the call does not admit', async () => {
    const municipality = { ...submitB1, applicant: { ...submitB1.applicant, type: 'municipality' as const } };
    await expectRefusal(given(callOpened).when(municipality, IN_WINDOW), 'APPLICANT_NOT_ELIGIBLE');
  });

  it('refuses a request above the per-bid cap (invariant 4)', async () => {
    await expectRefusal(
      given(callOpened).when({ ...submitB1, requestedCents: EUR(200_000) + 1 }, IN_WINDOW),
      'REQUEST_EXCEEDS_CAP',
    );
  });

  it('caps requests at the budget when the call has no per-bid cap', async () => {
    const uncapped = { ...callOpened, data: { ...callOpened.data, maxGrantCents: null } } as CallEvent;
    const whole = { ...submitB1, requestedCents: EUR(2_500_000) };
    expect(await given(uncapped).when(whole, IN_WINDOW)).toHaveLength(1);
    await expectRefusal(
      given(uncapped).when({ ...whole, requestedCents: whole.requestedCents + 1 }, IN_WINDOW),
      'REQUEST_EXCEEDS_CAP',
    );
  });

  it('refuses a zero or fractional request', async () => {
    await expectRefusal(given(callOpened).when({ ...submitB1, requestedCents: 0 }, IN_WINDOW), 'INVALID_AMOUNT');
    await expectRefusal(given(callOpened).when({ ...submitB1, requestedCents: 1.5 }, IN_WINDOW), 'INVALID_AMOUNT');
  });

  it('refuses a bid without applicant name, tax code or project title', async () => {
    await expectRefusal(
      given(callOpened).when({ ...submitB1, applicant: { ...company, name: '' } }, IN_WINDOW),
      'INVALID_INPUT',
    );
    await expectRefusal(
      given(callOpened).when({ ...submitB1, applicant: { ...company, taxCode: '' } }, IN_WINDOW),
      'INVALID_INPUT',
    );
    await expectRefusal(given(callOpened).when({ ...submitB1, projectTitle: ' ' }, IN_WINDOW), 'INVALID_INPUT');
  });

  it('refuses a bid id used before', async () => {
    await expectRefusal(given(callOpened, bidSubmitted).when(submitB1, IN_WINDOW), 'BID_ALREADY_EXISTS');
  });
});

describe('withdrawing a bid', () => {
  const withdraw: WithdrawBid = { type: 'WithdrawBid', bidId: 'b1', requestedBy: 'portal-1' };

  it('withdraws a submitted or evaluated bid, saying where it stood', async () => {
    expect(await given(callOpened, bidSubmitted).when(withdraw, IN_WINDOW)).toEqual([withdrawn('submitted')]);
    expect(await given(callOpened, bidSubmitted, bidAdmissible).when(withdraw, IN_WINDOW)).toEqual([
      withdrawn('admissible'),
    ]);
  });

  it('to any portal but the one that submitted it, the bid does not exist', async () => {
    await expectRefusal(
      given(callOpened, bidSubmitted).when({ ...withdraw, requestedBy: 'portal-2' }, IN_WINDOW),
      'BID_NOT_FOUND',
    );
  });

  it('refuses an unknown, withdrawn or awarded bid', async () => {
    await expectRefusal(given().when(withdraw, IN_WINDOW), 'BID_NOT_FOUND');
    await expectRefusal(given(bidSubmitted, withdrawn('submitted')).when(withdraw, IN_WINDOW), 'BID_WITHDRAWN');
    await expectRefusal(
      given(bidSubmitted, bidAdmissible, bidAwarded(EUR(100_000))).when(withdraw, IN_WINDOW),
      'BID_ALREADY_AWARDED',
    );
  });
});

describe('evaluating a bid', () => {
  const now = new Date('2026-04-20T10:00:00.000Z');
  const evaluate = (admissible: boolean, score?: number): EvaluateBid => ({
    type: 'EvaluateBid',
    bidId: 'b1',
    admissible,
    score,
    evaluatedBy: EVALUATOR,
  });

  it('records an admissible bid with its score', async () => {
    expect(await given(bidSubmitted).when(evaluate(true, 82), now)).toEqual([bidAdmissible]);
  });

  it('records an inadmissible bid without a score', async () => {
    expect(await given(bidSubmitted).when(evaluate(false), now)).toEqual([
      {
        type: 'BidEvaluated',
        data: {
          bidId: 'b1',
          callId: 'c1',
          admissible: false,
          score: null,
          evaluatedBy: EVALUATOR,
          evaluatedAt: now.toISOString(),
        },
      },
    ]);
  });

  it.each([undefined, -1, 101, 50.5])('refuses an admissible bid with score %p', async (score) => {
    await expectRefusal(given(bidSubmitted).when(evaluate(true, score), now), 'INVALID_SCORE');
  });

  it('refuses a score on an inadmissible bid', async () => {
    await expectRefusal(given(bidSubmitted).when(evaluate(false, 10), now), 'INVALID_SCORE');
  });

  it('refuses to evaluate twice, a withdrawn bid, or an unknown bid', async () => {
    await expectRefusal(given(bidSubmitted, bidAdmissible).when(evaluate(true, 70), now), 'BID_ALREADY_EVALUATED');
    await expectRefusal(given(bidSubmitted, withdrawn('submitted')).when(evaluate(true, 70), now), 'BID_WITHDRAWN');
    await expectRefusal(given().when(evaluate(true, 70), now), 'BID_NOT_FOUND');
  });
});
