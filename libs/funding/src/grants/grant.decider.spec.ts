import { describe, expect, it } from '@jest/globals';
import {
  EUR,
  bidAdmissible,
  bidAwarded,
  bidSubmitted,
  budgetCommitted,
  callOpened,
  disbursed,
  expectRefusal,
  fold,
  grantAwarded,
} from '../../test-support/funding.fixtures.js';
import * as bids from '../bids/bid.decider.js';
import type { BidEvent } from '../bids/bid.events.js';
import * as calls from '../calls/call.decider.js';
import type { CallEvent } from '../calls/call.events.js';
import { decide, evolve, initialGrant, requireGrant, type AwardGrant, type GrantCommand } from './grant.decider.js';
import type { GrantEvent } from './grant.events.js';

const now = new Date('2026-05-01T10:00:00.000Z');
const call = (...events: CallEvent[]) => fold(calls.evolve, calls.initialCall, events);
const bid = (...events: BidEvent[]) => fold(bids.evolve, bids.initialBid, events);
const grant = (...events: GrantEvent[]) => fold(evolve, initialGrant, events);

const awardG1: AwardGrant = { type: 'AwardGrant', grantId: 'g1', callId: 'c1', bidId: 'b1', amountCents: EUR(120_000) };
const awardState = { grant: grant(), call: call(callOpened), bid: bid(bidSubmitted, bidAdmissible) };

/** A grant of EUR 120,000 on call c1; `paid` tranches already recorded. */
const activeGrant = (...paid: GrantEvent[]) => ({
  grant: grant(grantAwarded(EUR(120_000)), ...paid),
  call: call(callOpened, budgetCommitted(EUR(120_000))),
  bid: bid(bidSubmitted, bidAdmissible, bidAwarded(EUR(120_000))),
});

describe('awarding a grant', () => {
  it('commits the call budget, marks the bid awarded and creates the grant, atomically', () => {
    expect(decide(awardG1, awardState, now)).toEqual({
      call: [budgetCommitted(EUR(120_000))],
      bid: [bidAwarded(EUR(120_000))],
      grant: [grantAwarded(EUR(120_000))],
    });
  });

  it('refuses an award above the call remaining budget (invariant 3)', () => {
    const nearlySpent = call(callOpened, budgetCommitted(EUR(2_400_000), 'g0', 'b0'));
    expectRefusal(
      () => decide({ ...awardG1, amountCents: EUR(100_000) + 1 }, { ...awardState, call: nearlySpent }, now),
      'BUDGET_EXCEEDED',
    );
    expect(decide({ ...awardG1, amountCents: EUR(100_000) }, { ...awardState, call: nearlySpent }, now).call).toHaveLength(1);
  });

  it('counts budget released by revocations as available again', () => {
    const released = call(callOpened, budgetCommitted(EUR(2_500_000), 'g0', 'b0'), {
      type: 'CallBudgetReleased',
      data: { callId: 'c1', grantId: 'g0', amountCents: EUR(120_000), cause: 'revocation', releasedAt: '' },
    });
    expect(decide(awardG1, { ...awardState, call: released }, now).grant).toHaveLength(1);
  });

  it('refuses a bid awarded before (invariant 4)', () => {
    const awarded = bid(bidSubmitted, bidAdmissible, bidAwarded(EUR(120_000)));
    expectRefusal(() => decide({ ...awardG1, grantId: 'g2' }, { ...awardState, bid: awarded }, now), 'BID_ALREADY_AWARDED');
  });

  it('refuses more than the bid requested (invariant 4)', () => {
    expectRefusal(() => decide({ ...awardG1, amountCents: EUR(150_000) + 1 }, awardState, now), 'AWARD_EXCEEDS_REQUEST');
  });

  it('refuses a bid not yet evaluated, found inadmissible, or withdrawn', () => {
    expectRefusal(() => decide(awardG1, { ...awardState, bid: bid(bidSubmitted) }, now), 'BID_NOT_EVALUATED');
    const inadmissible = bid(bidSubmitted, {
      type: 'BidEvaluated',
      data: { bidId: 'b1', callId: 'c1', admissible: false, score: null, evaluatedAt: '' },
    });
    expectRefusal(() => decide(awardG1, { ...awardState, bid: inadmissible }, now), 'BID_NOT_ADMISSIBLE');
    const withdrawn = bid(bidSubmitted, bidAdmissible, { type: 'BidWithdrawn', data: { bidId: 'b1', callId: 'c1', withdrawnAt: '' } });
    expectRefusal(() => decide(awardG1, { ...awardState, bid: withdrawn }, now), 'BID_WITHDRAWN');
  });

  it('refuses a bid of another call', () => {
    expectRefusal(() => decide({ ...awardG1, callId: 'c2' }, { ...awardState, call: call({ ...callOpened, data: { ...callOpened.data, callId: 'c2' } } as CallEvent) }, now), 'BID_NOT_IN_CALL');
  });

  it('refuses an unknown call or bid, a cancelled call, a reused grant id, a zero amount', () => {
    expectRefusal(() => decide(awardG1, { ...awardState, call: call() }, now), 'CALL_NOT_FOUND');
    expectRefusal(() => decide(awardG1, { ...awardState, bid: bid() }, now), 'BID_NOT_FOUND');
    const cancelled = call(callOpened, { type: 'CallCancelled', data: { callId: 'c1', reason: null, releasedCents: 0, cancelledAt: '' } });
    expectRefusal(() => decide(awardG1, { ...awardState, call: cancelled }, now), 'CALL_CANCELLED');
    expectRefusal(() => decide(awardG1, { ...awardState, grant: grant(grantAwarded(1)) }, now), 'GRANT_ALREADY_EXISTS');
    expectRefusal(() => decide({ ...awardG1, amountCents: 0 }, awardState, now), 'INVALID_AMOUNT');
  });

  it('may award on a call closed for bids', () => {
    const closed = call(callOpened, { type: 'CallClosed', data: { callId: 'c1', closedAt: '' } });
    expect(decide(awardG1, { ...awardState, call: closed }, now).grant).toHaveLength(1);
  });
});

describe('recording a disbursement', () => {
  const pay = (disbursementId: string, kind: 'advance' | 'interim' | 'final', amountCents: number): GrantCommand => ({
    type: 'RecordDisbursement',
    grantId: 'g1',
    disbursementId,
    kind,
    amountCents,
    reference: null,
  });
  const paidAt = new Date('2026-06-01T10:00:00.000Z');

  it('records advance and interim tranches on the grant stream only', () => {
    expect(decide(pay('d1', 'advance', EUR(48_000)), activeGrant(), paidAt)).toEqual({
      grant: [disbursed('d1', 'advance', EUR(48_000))],
      call: [],
      bid: [],
    });
  });

  it('completes the grant with the final payment and releases what it did not use to the call', () => {
    const decision = decide(pay('d3', 'final', EUR(30_000)), activeGrant(disbursed('d1', 'advance', EUR(48_000)), disbursed('d2', 'interim', EUR(36_000))), paidAt);
    expect(decision.grant).toEqual([
      disbursed('d3', 'final', EUR(30_000)),
      { type: 'GrantCompleted', data: { grantId: 'g1', callId: 'c1', paidCents: EUR(114_000), releasedCents: EUR(6_000), completedAt: paidAt.toISOString() } },
    ]);
    expect(decision.call).toEqual([
      { type: 'CallBudgetReleased', data: { callId: 'c1', grantId: 'g1', amountCents: EUR(6_000), cause: 'completion', releasedAt: paidAt.toISOString() } },
    ]);
  });

  it('a final payment that uses the whole award releases nothing', () => {
    const decision = decide(pay('d2', 'final', EUR(72_000)), activeGrant(disbursed('d1', 'advance', EUR(48_000))), paidAt);
    expect(decision.call).toEqual([]);
  });

  it('a zero final payment closes a grant already paid in full', () => {
    const decision = decide(pay('d2', 'final', 0), activeGrant(disbursed('d1', 'interim', EUR(120_000))), paidAt);
    expect(decision.grant.map((e) => e.type)).toEqual(['DisbursementRecorded', 'GrantCompleted']);
  });

  it('refuses a payment above what is left of the award (invariant 5)', () => {
    const state = activeGrant(disbursed('d1', 'advance', EUR(48_000)));
    expectRefusal(() => decide(pay('d2', 'interim', EUR(72_000) + 1), state, paidAt), 'DISBURSEMENT_EXCEEDS_GRANT');
  });

  it('refuses any payment on a completed or revoked grant (invariant 5)', () => {
    const completed = activeGrant(disbursed('d1', 'final', EUR(120_000)), {
      type: 'GrantCompleted',
      data: { grantId: 'g1', callId: 'c1', paidCents: EUR(120_000), releasedCents: 0, completedAt: '' },
    });
    expectRefusal(() => decide(pay('d2', 'interim', 1), completed, paidAt), 'GRANT_NOT_ACTIVE');
    const revoked = decide({ type: 'RevokeGrant', grantId: 'g1', reason: 'Project abandoned' }, activeGrant(), paidAt);
    const state = { ...activeGrant(), grant: fold(evolve, activeGrant().grant, revoked.grant) };
    expectRefusal(() => decide(pay('d1', 'advance', 1), state, paidAt), 'GRANT_NOT_ACTIVE');
  });

  it('refuses a disbursement id recorded before, zero non-final amounts, an unknown grant', () => {
    const state = activeGrant(disbursed('d1', 'advance', EUR(48_000)));
    expectRefusal(() => decide(pay('d1', 'interim', 1), state, paidAt), 'DISBURSEMENT_ALREADY_RECORDED');
    expectRefusal(() => decide(pay('d2', 'interim', 0), state, paidAt), 'INVALID_AMOUNT');
    expectRefusal(() => decide(pay('d2', 'interim', 1), { ...state, grant: grant() }, paidAt), 'GRANT_NOT_FOUND');
  });
});

describe('revoking a grant', () => {
  const revokedAt = new Date('2026-09-01T10:00:00.000Z');
  const revoke = (amountCents?: number): GrantCommand => ({
    type: 'RevokeGrant',
    grantId: 'g1',
    reason: 'Activities not carried out as approved',
    amountCents,
  });

  it('a whole revocation of an unpaid grant releases the whole award and recovers nothing', () => {
    const decision = decide(revoke(), activeGrant(), revokedAt);
    expect(decision.grant[0]).toMatchObject({
      type: 'GrantRevoked',
      data: { whole: true, revokedCents: EUR(120_000), awardAfterCents: 0, releasedCents: EUR(120_000), recoveryDueCents: 0 },
    });
    expect(decision.call).toEqual([
      { type: 'CallBudgetReleased', data: { callId: 'c1', grantId: 'g1', amountCents: EUR(120_000), cause: 'revocation', releasedAt: revokedAt.toISOString() } },
    ]);
  });

  it('a whole revocation after an advance releases the undisbursed part and records the advance as due (invariant 6)', () => {
    const decision = decide(revoke(), activeGrant(disbursed('d1', 'advance', EUR(48_000))), revokedAt);
    expect(decision.grant[0]).toMatchObject({
      data: { whole: true, releasedCents: EUR(72_000), recoveryDueCents: EUR(48_000) },
    });
  });

  it('a partial revocation above what is unpaid reduces the award below the paid amount: recovery due = paid − reduced award', () => {
    // award 120k, paid 100k, revoke 50k → award 70k, release 20k (the unpaid part), recover 30k
    const state = activeGrant(disbursed('d1', 'advance', EUR(48_000)), disbursed('d2', 'interim', EUR(52_000)));
    const decision = decide(revoke(EUR(50_000)), state, revokedAt);
    expect(decision.grant[0]).toMatchObject({
      data: { whole: false, revokedCents: EUR(50_000), awardAfterCents: EUR(70_000), releasedCents: EUR(20_000), recoveryDueCents: EUR(30_000) },
    });
    const after = requireGrant(fold(evolve, state.grant, decision.grant), 'g1');
    expect(after).toMatchObject({ status: 'active', awardCents: EUR(70_000), paidCents: EUR(100_000) });
  });

  it('a partial revocation within the unpaid part releases exactly the revoked amount, once', () => {
    const state = activeGrant(disbursed('d1', 'advance', EUR(48_000)));
    const first = decide(revoke(EUR(20_000)), state, revokedAt);
    expect(first.grant[0]).toMatchObject({ data: { releasedCents: EUR(20_000), recoveryDueCents: 0 } });
    // The same revocation decided again against the new state releases only what a second cut frees.
    const afterFirst = { ...state, grant: fold(evolve, state.grant, first.grant) };
    const second = decide(revoke(EUR(20_000)), afterFirst, revokedAt);
    expect(second.grant[0]).toMatchObject({ data: { awardAfterCents: EUR(80_000), releasedCents: EUR(20_000) } });
  });

  it('revoking a completed grant releases nothing more and records what must come back', () => {
    const completed = activeGrant(disbursed('d1', 'final', EUR(100_000)), {
      type: 'GrantCompleted',
      data: { grantId: 'g1', callId: 'c1', paidCents: EUR(100_000), releasedCents: EUR(20_000), completedAt: '' },
    });
    const decision = decide(revoke(EUR(30_000)), completed, revokedAt);
    expect(decision.grant[0]).toMatchObject({ data: { whole: false, awardAfterCents: EUR(90_000), releasedCents: 0, recoveryDueCents: EUR(10_000) } });
    expect(decision.call).toEqual([]);
  });

  it('refuses to revoke twice, more than the award, a zero amount, without a reason, or an unknown grant', () => {
    const revoked = { ...activeGrant(), grant: fold(evolve, activeGrant().grant, decide(revoke(), activeGrant(), revokedAt).grant) };
    expectRefusal(() => decide(revoke(), revoked, revokedAt), 'GRANT_ALREADY_REVOKED');
    expectRefusal(() => decide(revoke(EUR(120_000) + 1), activeGrant(), revokedAt), 'REVOCATION_EXCEEDS_AWARD');
    expectRefusal(() => decide(revoke(0), activeGrant(), revokedAt), 'INVALID_AMOUNT');
    expectRefusal(() => decide({ type: 'RevokeGrant', grantId: 'g1', reason: '' }, activeGrant(), revokedAt), 'INVALID_INPUT');
    expectRefusal(() => decide(revoke(), { ...activeGrant(), grant: grant() }, revokedAt), 'GRANT_NOT_FOUND');
  });
});
