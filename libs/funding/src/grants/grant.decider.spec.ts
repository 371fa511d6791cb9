import { describe, expect, it } from '@jest/globals';
import {
  ACT,
  CUP_G1,
  OPERATION,
  cupFor,
  programmeEstablished,
  EUR,
  bidAdmissible,
  bidAwarded,
  bidSubmitted,
  budgetCommitted,
  callOpened,
  claimSubmitted,
  claimVerified,
  CONTROLLER,
  disbursed,
  FINANCE_OFFICER,
  fold,
  grantAwarded,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { b1Ranked, callClosed } from '../../test-support/ranking.fixtures.js';
import type { BidEvent } from '../bids/bid.events.js';
import type { CallEvent } from '../calls/call.events.js';
import type { FundingEvent } from '../funding.events.js';
import { streamOf } from '../streams.js';
import type { AwardGrant } from './award-grant.js';
import { GRANT, requireGrant } from './grant.js';
import type { GrantEvent } from './grant.events.js';
import type { RecordDisbursement } from './record-disbursement.js';
import type { RevokeGrant } from './revoke-grant.js';
import { DEFAULT_PROGRAMME_RULES } from '../programmes/programme.events.js';

const now = new Date('2026-05-01T10:00:00.000Z');
const awardG1: AwardGrant = { type: 'AwardGrant', grantId: 'g1', callId: 'c1', bidId: 'b1', amountCents: EUR(120_000), cup: CUP_G1, operation: OPERATION, act: ACT };
const cupAssigned: FundingEvent = { type: 'CupAssigned', data: { cup: CUP_G1, grantId: 'g1', assignedAt: now.toISOString() } };
/** b1 admissible on the ranking call c1, closed, its ranking approved with b1 first. */
const admissibleBid = [programmeEstablished, callOpened, bidSubmitted, bidAdmissible, callClosed, b1Ranked] as const;
const place = { grantId: 'g1', callId: 'c1', programmeId: 'wecare', measureId: 'm4' };

/** A grant of EUR 120,000 on call c1; `later` events of the grant after its award. */
const activeGrant = (...later: GrantEvent[]): FundingEvent[] => [
  ...admissibleBid,
  grantAwarded(EUR(120_000)),
  budgetCommitted(EUR(120_000)),
  bidAwarded(EUR(120_000)),
  ...later,
];
/** The grant's own state after those events (its stream's share of them). */
const grantAfter = (events: readonly FundingEvent[]) => requireGrant(fold(GRANT, ...(events.filter((e) => streamOf(e) === 'grant-g1') as GrantEvent[])), 'g1');

describe('awarding a grant', () => {
  it('creates the grant, commits the call budget, marks the bid awarded and takes the CUP, in one append', async () => {
    expect(await given(...admissibleBid).when(awardG1, now)).toEqual([grantAwarded(EUR(120_000)), budgetCommitted(EUR(120_000)), bidAwarded(EUR(120_000)), cupAssigned]);
  });

  it('refuses an award above the call remaining budget (invariant 3)', async () => {
    const nearlySpent = [...admissibleBid, budgetCommitted(EUR(2_400_000), 'g0', 'b0')];
    await expectRefusal(given(...nearlySpent).when({ ...awardG1, amountCents: EUR(100_000) + 1 }, now), 'BUDGET_EXCEEDED');
    expect(await given(...nearlySpent).when({ ...awardG1, amountCents: EUR(100_000) }, now)).toHaveLength(4);
  });

  it('counts budget released by revocations as available again', async () => {
    const released: CallEvent = { type: 'CallBudgetReleased', data: { callId: 'c1', grantId: 'g0', amountCents: EUR(120_000), cause: 'revocation', releasedAt: '' } };
    expect(await given(...admissibleBid, budgetCommitted(EUR(2_500_000), 'g0', 'b0'), released).when(awardG1, now)).toHaveLength(4);
  });

  it('refuses a bid awarded before (invariant 4)', async () => {
    await expectRefusal(given(...admissibleBid, bidAwarded(EUR(120_000))).when({ ...awardG1, grantId: 'g2' }, now), 'BID_ALREADY_AWARDED');
  });

  it('awards up to what the bid requested, never more (invariant 4)', async () => {
    expect(await given(...admissibleBid).when({ ...awardG1, amountCents: EUR(150_000) }, now)).toHaveLength(4);
    await expectRefusal(given(...admissibleBid).when({ ...awardG1, amountCents: EUR(150_000) + 1 }, now), 'AWARD_EXCEEDS_REQUEST');
  });

  it('refuses a bid not yet evaluated, found inadmissible, or withdrawn', async () => {
    await expectRefusal(given(callOpened, bidSubmitted).when(awardG1, now), 'BID_NOT_EVALUATED');
    const inadmissible: BidEvent = { type: 'BidEvaluated', data: { bidId: 'b1', callId: 'c1', admissible: false, score: null, evaluatedBy: 'evaluator-1', evaluatedAt: '' } };
    await expectRefusal(given(callOpened, bidSubmitted, inadmissible).when(awardG1, now), 'BID_NOT_ADMISSIBLE');
    const withdrawn: BidEvent = { type: 'BidWithdrawn', data: { bidId: 'b1', callId: 'c1', previousStatus: 'admissible', withdrawnAt: '' } };
    await expectRefusal(given(...admissibleBid, withdrawn).when(awardG1, now), 'BID_WITHDRAWN');
  });

  it('refuses a bid of another call', async () => {
    const c2 = { ...callOpened, data: { ...callOpened.data, callId: 'c2' } } as CallEvent;
    await expectRefusal(given(...admissibleBid, c2).when({ ...awardG1, callId: 'c2' }, now), 'BID_NOT_IN_CALL');
  });

  it('refuses an unknown call or bid, a cancelled call, a reused grant id, a zero amount', async () => {
    await expectRefusal(given(bidSubmitted, bidAdmissible).when(awardG1, now), 'CALL_NOT_FOUND');
    await expectRefusal(given(callOpened).when(awardG1, now), 'BID_NOT_FOUND');
    const cancelled: CallEvent = { type: 'CallCancelled', data: { callId: 'c1', reason: null, releasedCents: 0, cancelledAt: '' } };
    await expectRefusal(given(...admissibleBid, cancelled).when(awardG1, now), 'CALL_CANCELLED');
    await expectRefusal(given(...admissibleBid, grantAwarded(1)).when(awardG1, now), 'GRANT_ALREADY_EXISTS');
    await expectRefusal(given(...admissibleBid).when({ ...awardG1, amountCents: 0 }, now), 'INVALID_AMOUNT');
  });

  it('records the award act: its date is the grant date', async () => {
    const [awarded] = await given(...admissibleBid).when({ ...awardG1, act: { number: 'D.D. 77/2026', date: '2026-04-30', signatory: 'Il Dirigente' } }, now);
    expect(awarded).toMatchObject({ type: 'GrantAwarded', data: { act: { number: 'D.D. 77/2026', date: '2026-04-30', signatory: 'Il Dirigente' } } });
  });

  it('refuses an award act dated after the day of the command, in Italy (ACT_DATE_IN_FUTURE), and an act without its number, date or signatory', async () => {
    // 23:30 UTC on 30 April is already 1 May in Rome: an act of 1 May is not in the future.
    const lateEvening = new Date('2026-04-30T23:30:00.000Z');
    expect(await given(...admissibleBid).when({ ...awardG1, act: { ...ACT, date: '2026-05-01' } }, lateEvening)).toHaveLength(4);
    await expect(given(...admissibleBid).when({ ...awardG1, act: { ...ACT, date: '2026-05-02' } }, lateEvening)).rejects.toMatchObject({ code: 'ACT_DATE_IN_FUTURE', details: { actDate: '2026-05-02', today: '2026-05-01' } });
    for (const act of [{ ...ACT, number: ' ' }, { ...ACT, date: '2026-02-30' }, { ...ACT, date: '1 May 2026' }, { ...ACT, signatory: '' }, null]) {
      await expectRefusal(given(...admissibleBid).when({ ...awardG1, act: act as unknown as AwardGrant['act'] }, now), 'INVALID_INPUT');
    }
  });
});

describe('recording a disbursement', () => {
  // The award of EUR 120,000 on an operation of EUR 200,000: the aid intensity is 60%; the call's advance share 40%.
  const pay = (disbursementId: string, kind: 'advance' | 'interim' | 'final', amountCents: number, claimId?: string): RecordDisbursement => ({
    type: 'RecordDisbursement',
    grantId: 'g1',
    disbursementId,
    kind,
    amountCents,
    claimId: claimId ?? null,
    paidBy: FINANCE_OFFICER,
    reference: null,
  });
  const paidAt = new Date('2026-06-01T10:00:00.000Z');
  const completed = (paidCents: number, releasedCents: number): GrantEvent => ({
    type: 'GrantCompleted',
    data: { ...place, actualEndDate: paidAt.toISOString().slice(0, 10), paidCents, releasedCents, completedAt: paidAt.toISOString() },
  });
  /** An advance of EUR 48,000 and an interim claim of EUR 100,000 found all eligible: EUR 60,000 covered, 12,000 more payable. */
  const verifiedInterim = () => activeGrant(disbursed('d1', 'advance', EUR(48_000)), claimSubmitted('claim-1', 'interim', EUR(100_000)), claimVerified('claim-1', 'interim', EUR(100_000)));

  it('pays an advance on the award alone, up to the call\'s advance share, on the grant stream only', async () => {
    expect(await given(...activeGrant()).when(pay('d1', 'advance', EUR(48_000)), paidAt)).toEqual([disbursed('d1', 'advance', EUR(48_000))]);
    await expectRefusal(given(...activeGrant(disbursed('d1', 'advance', EUR(40_000)))).when(pay('d2', 'advance', EUR(8_000) + 1), paidAt), 'ADVANCE_EXCEEDS_SHARE');
    await expectRefusal(given(...activeGrant()).when(pay('d1', 'advance', EUR(1_000), 'claim-1'), paidAt), 'INVALID_INPUT');
  });

  it('pays an interim tranche only on a verified interim claim', async () => {
    const claimed = activeGrant(claimSubmitted('claim-1', 'interim', EUR(100_000)));
    await expectRefusal(given(...claimed).when(pay('d1', 'interim', EUR(1_000)), paidAt), 'CLAIM_REQUIRED');
    await expectRefusal(given(...claimed).when(pay('d1', 'interim', EUR(1_000), 'claim-9'), paidAt), 'CLAIM_NOT_FOUND');
    await expectRefusal(given(...claimed).when(pay('d1', 'interim', EUR(1_000), 'claim-1'), paidAt), 'CLAIM_NOT_VERIFIED');
    await expectRefusal(given(...claimed).when(pay('d1', 'final', 0, 'claim-1'), paidAt), 'FINAL_CLAIM_REQUIRED');
    expect(await given(...verifiedInterim()).when(pay('d2', 'interim', EUR(12_000), 'claim-1'), paidAt)).toEqual([disbursed('d2', 'interim', EUR(12_000), 'claim-1')]);
  });

  it('never pays beyond the funding rate times the verified expenditure, the advance offset against it (invariant 12)', async () => {
    const refusal = given(...verifiedInterim()).when(pay('d2', 'interim', EUR(12_000) + 1, 'claim-1'), paidAt);
    await expectRefusal(refusal, 'PAYMENT_EXCEEDS_VERIFIED');
    await expect(refusal).rejects.toMatchObject({ details: { payableCents: EUR(12_000) } });
    // Expenditure the advance already covers allows nothing more.
    const covered = activeGrant(disbursed('d1', 'advance', EUR(48_000)), claimSubmitted('claim-1', 'interim', EUR(80_000)), claimVerified('claim-1', 'interim', EUR(80_000)));
    await expectRefusal(given(...covered).when(pay('d2', 'interim', 1, 'claim-1'), paidAt), 'PAYMENT_EXCEEDS_VERIFIED');
    // A claim allows its own share only, whatever else is verified.
    const two = activeGrant(claimSubmitted('claim-1', 'interim', EUR(50_000)), claimVerified('claim-1', 'interim', EUR(50_000)), claimSubmitted('claim-2', 'interim', EUR(50_000)), claimVerified('claim-2', 'interim', EUR(50_000)));
    await expectRefusal(given(...two).when(pay('d1', 'interim', EUR(30_000) + 1, 'claim-1'), paidAt), 'PAYMENT_EXCEEDS_VERIFIED');
    expect(await given(...two).when(pay('d1', 'interim', EUR(30_000), 'claim-1'), paidAt)).toHaveLength(1);
  });

  it('refuses the payment of a claim to the principal who verified it (separation of duties)', async () => {
    await expectRefusal(given(...verifiedInterim()).when({ ...pay('d2', 'interim', EUR(1_000), 'claim-1'), paidBy: CONTROLLER }, paidAt), 'SEPARATION_OF_DUTIES');
  });

  it('completes the grant with the final payment on the verified final claim and releases what it did not use to the call', async () => {
    const history = [...verifiedInterim(), disbursed('d2', 'interim', EUR(12_000), 'claim-1'), claimSubmitted('claim-2', 'final', EUR(100_000)), claimVerified('claim-2', 'final', EUR(100_000))];
    expect(await given(...history).when(pay('d3', 'final', EUR(50_000), 'claim-2'), paidAt)).toEqual([
      disbursed('d3', 'final', EUR(50_000), 'claim-2'),
      completed(EUR(110_000), EUR(10_000)),
      { type: 'CallBudgetReleased', data: { callId: 'c1', grantId: 'g1', amountCents: EUR(10_000), cause: 'completion', releasedAt: paidAt.toISOString() } },
    ]);
    const whole = await given(...history).when(pay('d3', 'final', EUR(60_000), 'claim-2'), paidAt);
    expect(whole.map((e) => e.type)).toEqual(['DisbursementRecorded', 'GrantCompleted']);
    await expectRefusal(given(...history).when(pay('d3', 'final', EUR(60_000) + 1, 'claim-2'), paidAt), 'DISBURSEMENT_EXCEEDS_GRANT');
  });

  it('a zero final payment closes a grant already paid all it is entitled to', async () => {
    const history = [...verifiedInterim(), disbursed('d2', 'interim', EUR(12_000), 'claim-1'), claimSubmitted('claim-2', 'final', 1), claimVerified('claim-2', 'final', 1, 1)];
    const events = await given(...history).when(pay('d3', 'final', 0, 'claim-2'), paidAt);
    expect(events.map((e) => e.type)).toEqual(['DisbursementRecorded', 'GrantCompleted']);
    // The final claim added nothing eligible: the EUR 60,000 paid is all the grant is entitled to.
    await expectRefusal(given(...history).when(pay('d3', 'final', 1, 'claim-2'), paidAt), 'PAYMENT_EXCEEDS_VERIFIED');
  });

  it('refuses a payment above what is left of a reduced award (invariant 5)', async () => {
    const reduced: GrantEvent = { type: 'GrantRevoked', data: { ...place, reason: 'Scope cut', covar: null, whole: false, revokedCents: EUR(80_000), awardAfterCents: EUR(40_000), releasedCents: EUR(72_000), recoveryDueCents: EUR(8_000), recoveryDueAddedCents: EUR(8_000), act: ACT, revokedAt: '' } };
    await expectRefusal(given(...verifiedInterim(), reduced).when(pay('d2', 'interim', 1, 'claim-1'), paidAt), 'DISBURSEMENT_EXCEEDS_GRANT');
  });

  it('refuses any payment on a completed or revoked grant (invariant 5)', async () => {
    await expectRefusal(given(...activeGrant(disbursed('d1', 'final', EUR(120_000)), completed(EUR(120_000), 0))).when(pay('d2', 'interim', 1, 'claim-1'), paidAt), 'GRANT_NOT_ACTIVE');
    const revoked = await given(...activeGrant()).when({ type: 'RevokeGrant', grantId: 'g1', reason: 'Project abandoned', act: ACT }, paidAt);
    await expectRefusal(given(...activeGrant(), ...revoked).when(pay('d1', 'advance', 1), paidAt), 'GRANT_NOT_ACTIVE');
  });

  it('refuses a disbursement id recorded before, zero non-final amounts, an unknown grant', async () => {
    const history = activeGrant(disbursed('d1', 'advance', EUR(40_000)));
    await expectRefusal(given(...history).when(pay('d1', 'advance', 1), paidAt), 'DISBURSEMENT_ALREADY_RECORDED');
    await expectRefusal(given(...history).when(pay('d2', 'advance', 0), paidAt), 'INVALID_AMOUNT');
    await expectRefusal(given(...admissibleBid).when(pay('d2', 'advance', 1), paidAt), 'GRANT_NOT_FOUND');
  });
});

describe('revoking a grant', () => {
  const revokedAt = new Date('2026-09-01T10:00:00.000Z');
  const revoke = (amountCents?: number): RevokeGrant => ({ type: 'RevokeGrant', grantId: 'g1', reason: 'Activities not carried out as approved', amountCents, act: ACT });
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
          ...place,
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
    expect(revoked).toMatchObject({ data: { whole: true, releasedCents: EUR(72_000), recoveryDueCents: EUR(48_000), recoveryDueAddedCents: EUR(48_000) } });
  });

  it('a partial revocation above what is unpaid reduces the award below the paid amount: recovery due = paid − reduced award', async () => {
    // award 120k, paid 100k, revoke 50k → award 70k, release 20k (the unpaid part), recover 30k
    const history = activeGrant(disbursed('d1', 'advance', EUR(48_000)), disbursed('d2', 'interim', EUR(52_000)));
    const events = await given(...history).when(revoke(EUR(50_000)), revokedAt);
    expect(events[0]).toMatchObject({
      data: { whole: false, revokedCents: EUR(50_000), awardAfterCents: EUR(70_000), releasedCents: EUR(20_000), recoveryDueCents: EUR(30_000), recoveryDueAddedCents: EUR(30_000) },
    });
    expect(grantAfter([...history, ...events])).toMatchObject({ status: 'active', originalAwardCents: EUR(120_000), currentAwardCents: EUR(70_000), paidCents: EUR(100_000) });
    // A second cut adds only its own part to what is due.
    const [second] = await given(...history, ...events).when(revoke(EUR(10_000)), revokedAt);
    expect(second).toMatchObject({ data: { awardAfterCents: EUR(60_000), releasedCents: 0, recoveryDueCents: EUR(40_000), recoveryDueAddedCents: EUR(10_000) } });
  });

  it('a partial revocation within the unpaid part releases exactly the revoked amount, once', async () => {
    const history = activeGrant(disbursed('d1', 'advance', EUR(48_000)));
    const first = await given(...history).when(revoke(EUR(20_000)), revokedAt);
    expect(first).toEqual([expect.objectContaining({ data: expect.objectContaining({ releasedCents: EUR(20_000), recoveryDueCents: 0 }) }), released(EUR(20_000))]);
    const second = await given(...history, ...first).when(revoke(EUR(20_000)), revokedAt);
    expect(second[0]).toMatchObject({ data: { awardAfterCents: EUR(80_000), releasedCents: EUR(20_000) } });
  });

  it('revoking a completed grant releases nothing more and records what must come back', async () => {
    const completedGrant = activeGrant(disbursed('d1', 'final', EUR(100_000)), {
      type: 'GrantCompleted',
      data: { ...place, actualEndDate: '2026-06-01', paidCents: EUR(100_000), releasedCents: EUR(20_000), completedAt: '' },
    });
    const events = await given(...completedGrant).when(revoke(EUR(30_000)), revokedAt);
    expect(events).toEqual([expect.objectContaining({ data: expect.objectContaining({ whole: false, awardAfterCents: EUR(90_000), releasedCents: 0, recoveryDueCents: EUR(10_000) }) })]);
  });

  it('refuses to revoke twice, more than the award, a zero amount, without a reason, or an unknown grant', async () => {
    const revoked = await given(...activeGrant()).when(revoke(), revokedAt);
    await expectRefusal(given(...activeGrant(), ...revoked).when(revoke(), revokedAt), 'GRANT_ALREADY_REVOKED');
    await expectRefusal(given(...activeGrant()).when(revoke(EUR(120_000) + 1), revokedAt), 'REVOCATION_EXCEEDS_AWARD');
    await expectRefusal(given(...activeGrant()).when(revoke(0), revokedAt), 'INVALID_AMOUNT');
    await expectRefusal(given(...activeGrant()).when({ type: 'RevokeGrant', grantId: 'g1', reason: '', act: ACT }, revokedAt), 'INVALID_INPUT');
    await expectRefusal(given(...activeGrant()).when({ ...revoke(), act: { ...ACT, date: '2026-09-02' } }, revokedAt), 'ACT_DATE_IN_FUTURE');
    await expectRefusal(given(...admissibleBid).when(revoke(), revokedAt), 'GRANT_NOT_FOUND');
  });
});

describe('the legal identity of an award', () => {
  const deMinimisCall = { ...callOpened, data: { ...callOpened.data, aidRegime: 'de-minimis' } } as CallEvent;
  /** A GBER call recorded before calls named their article (no intensity cap). */
  const gberCall = { ...callOpened, data: { ...callOpened.data, aidRegime: 'gber' } } as CallEvent;
  const linkedBid = { ...bidSubmitted, data: { ...bidSubmitted.data, linkedUndertakings: ['09876543210'] } } as BidEvent;
  const visura = { reference: 'VISURA-1', date: '2026-04-01', receivedCents: EUR(200_000) };
  /** The award act, after the visura: its date is the grant date. */
  const awardAct = { ...ACT, date: '2026-04-30' };
  /** b1 on `call`, closed, ranked first. */
  const rankedOn = (call: CallEvent, bid: FundingEvent = bidSubmitted): FundingEvent[] => [programmeEstablished, call, bid, bidAdmissible, callClosed, b1Ranked];
  const aid = (undertaking: string, grantId: string, amountCents: number, awardedAt: string): FundingEvent => ({
    type: 'DeMinimisAidRecorded',
    data: { undertaking, beneficiary: undertaking, grantId, amountCents, grantDate: awardedAt.slice(0, 10), awardedAt },
  });

  it('refuses a CUP already given to another grant, and a CUP of the wrong form', async () => {
    const used: FundingEvent = { type: 'CupAssigned', data: { cup: CUP_G1, grantId: 'g0', assignedAt: '' } };
    await expectRefusal(given(...admissibleBid, used).when(awardG1, now), 'CUP_ALREADY_USED');
    await expectRefusal(given(...admissibleBid).when({ ...awardG1, cup: 'J11B1700027000' }, now), 'INVALID_INPUT');
  });

  it("refuses an award above the operation's total eligible cost, and dates that run backwards", async () => {
    await expectRefusal(given(...admissibleBid).when({ ...awardG1, operation: { ...OPERATION, totalEligibleCostCents: EUR(120_000) - 1 } }, now), 'AWARD_EXCEEDS_ELIGIBLE_COST');
    await expectRefusal(given(...admissibleBid).when({ ...awardG1, operation: { ...OPERATION, plannedEndDate: '2026-01-01' } }, now), 'INVALID_INPUT');
  });

  it("takes intervention types and specific objectives from the programme's code lists when it has them", async () => {
    const withLists = { ...programmeEstablished, data: { ...programmeEstablished.data, rules: { ...DEFAULT_PROGRAMME_RULES, interventionTypes: ['138'], specificObjectives: ['ESO4.11'] } } } as FundingEvent;
    const rest = admissibleBid.slice(1);
    expect(await given(withLists, ...rest).when({ ...awardG1, operation: { ...OPERATION, interventionType: '138', specificObjective: 'ESO4.11' } }, now)).toHaveLength(4);
    await expectRefusal(given(withLists, ...rest).when({ ...awardG1, operation: { ...OPERATION, interventionType: '999' } }, now), 'UNKNOWN_INTERVENTION_TYPE');
    await expectRefusal(given(withLists, ...rest).when({ ...awardG1, operation: { ...OPERATION, specificObjective: 'X' } }, now), 'UNKNOWN_SPECIFIC_OBJECTIVE');
  });

  it('needs the COR under an aid regime, and the visura under de minimis', async () => {
    await expectRefusal(given(...rankedOn(gberCall)).when(awardG1, now), 'RNA_COR_REQUIRED');
    expect(await given(...rankedOn(gberCall)).when({ ...awardG1, rna: { cor: 'COR-1', deMinimisVisura: null } }, now)).toHaveLength(4);
    await expectRefusal(given(...rankedOn(deMinimisCall)).when({ ...awardG1, rna: { cor: 'COR-1', deMinimisVisura: null } }, now), 'DE_MINIMIS_VISURA_REQUIRED');
  });

  it('records de minimis aid on every member of the single undertaking', async () => {
    const events = await given(...rankedOn(deMinimisCall, linkedBid)).when({ ...awardG1, amountCents: EUR(60_000), rna: { cor: 'COR-1', deMinimisVisura: visura }, act: awardAct }, now);
    expect(events.filter((e) => e.type === 'DeMinimisAidRecorded').map((e) => streamOf(e))).toEqual(['undertaking-01234567890', 'undertaking-09876543210']);
    // Granted on the award act's date, recorded now.
    expect(events.find((e) => e.type === 'DeMinimisAidRecorded')).toMatchObject({ data: { grantDate: '2026-04-30', awardedAt: now.toISOString() } });
  });

  it('keeps a single undertaking within the ceiling: the visura, the aid granted here to any member since, and this award', async () => {
    const history = rankedOn(deMinimisCall, linkedBid);
    const award = { ...awardG1, amountCents: EUR(60_000), rna: { cor: 'COR-1', deMinimisVisura: visura }, act: awardAct };
    // EUR 200,000 in the visura + EUR 50,000 granted here to the linked undertaking after it: EUR 50,000 left.
    const linkedAid = aid('09876543210', 'g-other', EUR(50_000), '2026-04-15T10:00:00.000Z');
    await expect(given(...history, linkedAid).when(award, now)).rejects.toMatchObject({ code: 'DE_MINIMIS_CEILING_EXCEEDED', details: { headroomCents: EUR(50_000), regulation: 'Reg. (EU) 2023/2831' } });
    expect(await given(...history, linkedAid).when({ ...award, amountCents: EUR(50_000) }, now)).toHaveLength(6);
    // Aid granted before the visura's date is in the visura already; aid older than the window has dropped out.
    const beforeVisura = aid('09876543210', 'g-old', EUR(90_000), '2026-03-01T10:00:00.000Z');
    expect(await given(...history, beforeVisura).when({ ...award, amountCents: EUR(100_000) }, now)).toHaveLength(6);
  });

  it('asks for the COVAR of a revocation of aid, and the Deggendorf visura of every payment of aid', async () => {
    const aided = { ...grantAwarded(EUR(120_000)), data: { ...grantAwarded(EUR(120_000)).data, aidRegime: 'gber', rna: { cor: 'COR-1', deMinimisVisura: null } } } as GrantEvent;
    const history = [...rankedOn(gberCall), aided, budgetCommitted(EUR(120_000)), bidAwarded(EUR(120_000))];
    const pay: RecordDisbursement = { type: 'RecordDisbursement', grantId: 'g1', disbursementId: 'd1', kind: 'advance', amountCents: EUR(10_000), paidBy: FINANCE_OFFICER };
    await expectRefusal(given(...history).when(pay, now), 'DEGGENDORF_VISURA_REQUIRED');
    expect(await given(...history).when({ ...pay, deggendorfVisuraRef: 'DEGG-1' }, now)).toEqual([expect.objectContaining({ data: expect.objectContaining({ deggendorfVisuraRef: 'DEGG-1' }) })]);
    await expectRefusal(given(...history).when({ type: 'RevokeGrant', grantId: 'g1', reason: 'Irregularity', act: ACT }, now), 'COVAR_REQUIRED');
    expect((await given(...history).when({ type: 'RevokeGrant', grantId: 'g1', reason: 'Irregularity', covar: 'COVAR-1', act: ACT }, now))[0]).toMatchObject({ data: { covar: 'COVAR-1' } });
  });
});

describe('the eligibility period of an award (Reg. (EU) 1303/2013 art. 65(2), (6); 2021/1060 art. 63(2), (6))', () => {
  const withOperation = (plannedStartDate: string, plannedEndDate: string): AwardGrant => ({ ...awardG1, operation: { ...OPERATION, plannedStartDate, plannedEndDate } });

  it("awards an operation that starts and ends inside its programme's eligibility period, and none that does not", async () => {
    expect(await given(...admissibleBid).when(withOperation('2021-01-01', '2029-12-31'), now)).toHaveLength(4);
    await expect(given(...admissibleBid).when(withOperation('2020-12-31', '2027-05-31'), now)).rejects.toMatchObject({
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      details: { plannedStartDate: '2020-12-31', plannedEndDate: '2027-05-31', eligibleFrom: '2021-01-01', eligibleTo: '2029-12-31' },
    });
    await expectRefusal(given(...admissibleBid).when(withOperation('2026-06-01', '2030-01-01'), now), 'OUTSIDE_ELIGIBILITY_PERIOD');
    // A 2014-2020 programme takes no operation running today.
    const period2014 = { ...programmeEstablished, data: { ...programmeEstablished.data, rules: { ...DEFAULT_PROGRAMME_RULES, programmingPeriod: '2014-2020', eligibility: { from: '2014-01-01', to: '2023-12-31' } } } } as FundingEvent;
    await expect(given(period2014, ...admissibleBid.slice(1)).when(awardG1, now)).rejects.toMatchObject({ code: 'OUTSIDE_ELIGIBILITY_PERIOD', details: { eligibleTo: '2023-12-31' } });
  });

  it('never awards an operation completed before its application was submitted', async () => {
    // b1 was submitted on 2026-02-15.
    await expect(given(...admissibleBid).when(withOperation('2025-01-01', '2026-02-14'), now)).rejects.toMatchObject({
      code: 'OPERATION_COMPLETED_BEFORE_APPLICATION',
      details: { plannedEndDate: '2026-02-14', submittedOn: '2026-02-15' },
    });
    expect(await given(...admissibleBid).when(withOperation('2025-01-01', '2026-02-15'), now)).toHaveLength(4);
  });

  it("carries its call's funding rate to the grant, so its payments read it from their own stream", async () => {
    const at80 = { ...callOpened, data: { ...callOpened.data, fundingRateBp: 8000 } } as CallEvent;
    const [awarded] = await given(programmeEstablished, at80, ...admissibleBid.slice(2)).when(awardG1, now);
    expect(awarded).toMatchObject({ type: 'GrantAwarded', data: { fundingRateBp: 8000 } });
  });
});

describe('the order of arrival', () => {
  const firstCome = { ...callOpened, data: { ...callOpened.data, selection: 'first-come' } } as CallEvent;
  const closed: CallEvent = { type: 'CallClosed', data: { callId: 'c1', closedAt: '' } };
  const bid = (bidId: string): FundingEvent => ({ ...bidSubmitted, data: { ...bidSubmitted.data, bidId } }) as FundingEvent;
  const evaluate = (bidId: string) => ({ type: 'EvaluateBid' as const, bidId, admissible: true, score: 70, evaluatedBy: 'evaluator-1' });

  it('queues an admissible bid of a first-come call on the call, by its place in the log', async () => {
    const events = await given(programmeEstablished, firstCome, bid('b1')).when(evaluate('b1'), now);
    expect(events.map((e) => e.type)).toEqual(['BidEvaluated', 'BidQueued']);
    expect(events[1]).toMatchObject({ data: { callId: 'c1', bidId: 'b1', arrival: expect.stringMatching(/^\d{20}\.\d{20}$/) } });
    expect((await given(programmeEstablished, callOpened, bid('b1')).when(evaluate('b1'), now)).map((e) => e.type)).toEqual(['BidEvaluated']);
  });

  it('refuses to award a first-come bid while one that arrived earlier is admissible and waiting', async () => {
    const history: FundingEvent[] = [programmeEstablished, firstCome, bid('b1'), bid('b2')];
    const second = await given(...history).when(evaluate('b2'), now);
    const first = await given(...history, ...second).when(evaluate('b1'), now);
    const award = (bidId: string): AwardGrant => ({ ...awardG1, grantId: `g-${bidId}`, bidId, cup: cupFor(bidId) });
    const refusal = given(...history, ...second, ...first).when(award('b2'), now);
    await expectRefusal(refusal, 'ARRIVAL_ORDER');
    await expect(refusal).rejects.toMatchObject({ details: { waitingBidId: 'b1' } });
    expect(await given(...history, ...second, ...first).when(award('b1'), now)).toHaveLength(4);
    // Until b1 is evaluated, b2 is the first admissible bid.
    expect(await given(...history, ...second).when(award('b2'), now)).toHaveLength(4);
  });

  it('never admits nor awards a bid that landed after its call closed', async () => {
    await expectRefusal(given(programmeEstablished, callOpened, closed, bid('b1')).when(evaluate('b1'), now), 'BID_AFTER_CLOSE');
    expect(await given(programmeEstablished, callOpened, closed, bid('b1')).when({ ...evaluate('b1'), admissible: false, score: null }, now)).toHaveLength(1);
    await expectRefusal(given(programmeEstablished, callOpened, bid('b0'), closed, bid('b1'), bidAdmissible).when(awardG1, now), 'BID_AFTER_CLOSE');
    expect(await given(programmeEstablished, callOpened, bid('b1'), closed).when(evaluate('b1'), now)).toHaveLength(1);
  });
});
