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
  grantAwarded,
  measureDefined,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { admissibleBid, awardG1 } from '../../test-support/grant.fixtures.js';
import type { BidEvent } from '../bids/bid.events.js';
import type { CallEvent } from '../calls/call.events.js';
import type { FundingEvent } from '../funding.events.js';
import type { AwardGrant } from './award-grant.js';
import { DEFAULT_PROGRAMME_RULES } from '../programmes/programme.events.js';
import { splitContribution } from '../accounting/cofinancing.js';

const now = new Date('2026-05-01T10:00:00.000Z');
const cupAssigned: FundingEvent = {
  type: 'CupAssigned',
  data: { cup: CUP_G1, grantId: 'g1', assignedAt: now.toISOString() },
};

describe('awarding a grant', () => {
  it('creates the grant, commits the call budget, marks the bid awarded and takes the CUP, in one append', async () => {
    expect(await given(...admissibleBid).when(awardG1, now)).toEqual([
      grantAwarded(EUR(120_000)),
      budgetCommitted(EUR(120_000)),
      bidAwarded(EUR(120_000)),
      cupAssigned,
    ]);
  });

  it('refuses an award above the call remaining budget (invariant 3)', async () => {
    const nearlySpent = [...admissibleBid, budgetCommitted(EUR(2_400_000), 'g0', 'b0')];
    await expectRefusal(
      given(...nearlySpent).when({ ...awardG1, amountCents: EUR(100_000) + 1 }, now),
      'BUDGET_EXCEEDED',
    );
    expect(await given(...nearlySpent).when({ ...awardG1, amountCents: EUR(100_000) }, now)).toHaveLength(4);
  });

  it('counts budget released by revocations as available again', async () => {
    const released: CallEvent = {
      type: 'CallBudgetReleased',
      data: { callId: 'c1', grantId: 'g0', amountCents: EUR(120_000), cause: 'revocation', releasedAt: '' },
    };
    expect(
      await given(...admissibleBid, budgetCommitted(EUR(2_500_000), 'g0', 'b0'), released).when(awardG1, now),
    ).toHaveLength(4);
  });

  it('refuses a bid awarded before (invariant 4)', async () => {
    await expectRefusal(
      given(...admissibleBid, bidAwarded(EUR(120_000))).when({ ...awardG1, grantId: 'g2' }, now),
      'BID_ALREADY_AWARDED',
    );
  });

  it('awards up to what the bid requested, never more (invariant 4)', async () => {
    expect(await given(...admissibleBid).when({ ...awardG1, amountCents: EUR(150_000) }, now)).toHaveLength(4);
    await expectRefusal(
      given(...admissibleBid).when({ ...awardG1, amountCents: EUR(150_000) + 1 }, now),
      'AWARD_EXCEEDS_REQUEST',
    );
  });

  it('refuses a bid not yet evaluated, found inadmissible, or withdrawn', async () => {
    await expectRefusal(given(callOpened, bidSubmitted).when(awardG1, now), 'BID_NOT_EVALUATED');
    const inadmissible: BidEvent = {
      type: 'BidEvaluated',
      data: { bidId: 'b1', callId: 'c1', admissible: false, score: null, evaluatedBy: 'evaluator-1', evaluatedAt: '' },
    };
    await expectRefusal(given(callOpened, bidSubmitted, inadmissible).when(awardG1, now), 'BID_NOT_ADMISSIBLE');
    const withdrawn: BidEvent = {
      type: 'BidWithdrawn',
      data: { bidId: 'b1', callId: 'c1', previousStatus: 'admissible', withdrawnAt: '' },
    };
    await expectRefusal(given(...admissibleBid, withdrawn).when(awardG1, now), 'BID_WITHDRAWN');
  });

  it('refuses a bid of another call', async () => {
    const c2 = { ...callOpened, data: { ...callOpened.data, callId: 'c2' } } as CallEvent;
    await expectRefusal(given(...admissibleBid, c2).when({ ...awardG1, callId: 'c2' }, now), 'BID_NOT_IN_CALL');
  });

  it('refuses an unknown call or bid, a cancelled call, a reused grant id, a zero amount', async () => {
    await expectRefusal(given(bidSubmitted, bidAdmissible).when(awardG1, now), 'CALL_NOT_FOUND');
    await expectRefusal(given(callOpened).when(awardG1, now), 'BID_NOT_FOUND');
    const cancelled: CallEvent = {
      type: 'CallCancelled',
      data: { callId: 'c1', reason: null, releasedCents: 0, cancelledAt: '' },
    };
    await expectRefusal(given(...admissibleBid, cancelled).when(awardG1, now), 'CALL_CANCELLED');
    await expectRefusal(given(...admissibleBid, grantAwarded(1)).when(awardG1, now), 'GRANT_ALREADY_EXISTS');
    await expectRefusal(given(...admissibleBid).when({ ...awardG1, amountCents: 0 }, now), 'INVALID_AMOUNT');
  });

  it('records the award act: its date is the grant date', async () => {
    const [awarded] = await given(...admissibleBid).when(
      { ...awardG1, act: { number: 'D.D. 77/2026', date: '2026-04-30', signatory: 'Il Dirigente' } },
      now,
    );
    expect(awarded).toMatchObject({
      type: 'GrantAwarded',
      data: { act: { number: 'D.D. 77/2026', date: '2026-04-30', signatory: 'Il Dirigente' } },
    });
  });

  it('refuses an award act dated after the day of the command, in Italy (ACT_DATE_IN_FUTURE), and an act without its number, date or signatory', async () => {
    // 23:30 UTC on 30 April is already 1 May in Rome: an act of 1 May is not in the future.
    const lateEvening = new Date('2026-04-30T23:30:00.000Z');
    expect(
      await given(...admissibleBid).when({ ...awardG1, act: { ...ACT, date: '2026-05-01' } }, lateEvening),
    ).toHaveLength(4);
    await expect(
      given(...admissibleBid).when({ ...awardG1, act: { ...ACT, date: '2026-05-02' } }, lateEvening),
    ).rejects.toMatchObject({ code: 'ACT_DATE_IN_FUTURE', details: { actDate: '2026-05-02', today: '2026-05-01' } });
    for (const act of [
      { ...ACT, number: ' ' },
      { ...ACT, date: '2026-02-30' },
      { ...ACT, date: '1 May 2026' },
      { ...ACT, signatory: '' },
      null,
    ]) {
      await expectRefusal(
        given(...admissibleBid).when({ ...awardG1, act: act as unknown as AwardGrant['act'] }, now),
        'INVALID_INPUT',
      );
    }
  });
});

describe('the eligibility period of an award (Reg. (EU) 1303/2013 art. 65(2), (6); 2021/1060 art. 63(2), (6))', () => {
  const withOperation = (plannedStartDate: string, plannedEndDate: string): AwardGrant => ({
    ...awardG1,
    operation: { ...OPERATION, plannedStartDate, plannedEndDate },
  });

  it("awards an operation that starts and ends inside its programme's eligibility period, and none that does not", async () => {
    expect(await given(...admissibleBid).when(withOperation('2021-01-01', '2029-12-31'), now)).toHaveLength(4);
    await expect(given(...admissibleBid).when(withOperation('2020-12-31', '2027-05-31'), now)).rejects.toMatchObject({
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      details: {
        plannedStartDate: '2020-12-31',
        plannedEndDate: '2027-05-31',
        eligibleFrom: '2021-01-01',
        eligibleTo: '2029-12-31',
      },
    });
    await expectRefusal(
      given(...admissibleBid).when(withOperation('2026-06-01', '2030-01-01'), now),
      'OUTSIDE_ELIGIBILITY_PERIOD',
    );
    // A 2014-2020 programme takes no operation running today.
    const period2014 = {
      ...programmeEstablished,
      data: {
        ...programmeEstablished.data,
        rules: {
          ...DEFAULT_PROGRAMME_RULES,
          programmingPeriod: '2014-2020',
          eligibility: { from: '2014-01-01', to: '2023-12-31' },
        },
      },
    } as FundingEvent;
    await expect(given(period2014, ...admissibleBid.slice(1)).when(awardG1, now)).rejects.toMatchObject({
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      details: { eligibleTo: '2023-12-31' },
    });
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

describe('the co-financing of an award (issue #27)', () => {
  // WECARE POR 2014-2020: FSE 50% EU, 35% the State's rotation fund, 15% the region; FESR on other terms.
  const WECARE_FSE = { euBp: 5_000, nationalBp: 3_500, regionalBp: 1_500 };
  const cofinanced = {
    ...programmeEstablished,
    data: {
      ...programmeEstablished.data,
      funds: [
        { fund: 'FSE', amountCents: EUR(15_000_000), euCoFinancingRateBp: 5_000, cofinancing: WECARE_FSE },
        {
          fund: 'FESR',
          amountCents: EUR(5_000_000),
          euCoFinancingRateBp: 4_000,
          cofinancing: { euBp: 4_000, nationalBp: 4_200, regionalBp: 1_800 },
        },
      ],
    },
  } as FundingEvent;
  const onAxisII = { ...measureDefined, data: { ...measureDefined.data, priorityAxis: 'II' } } as FundingEvent;

  it("records the split of its fund share and its measure's priority axis, so the grant's money splits without the programme", async () => {
    const [awarded] = await given(cofinanced, onAxisII, ...admissibleBid.slice(1)).when(awardG1, now);
    expect(awarded).toEqual({
      type: 'GrantAwarded',
      data: {
        ...grantAwarded(EUR(120_000)).data,
        euCoFinancingRateBp: 5_000,
        cofinancing: WECARE_FSE,
        priorityAxis: 'II',
      },
    });
    const { cofinancing } = (awarded as Extract<FundingEvent, { type: 'GrantAwarded' }>).data;
    expect(splitContribution(EUR(120_000), cofinancing!)).toEqual({
      euCents: EUR(60_000),
      nationalCents: EUR(42_000),
      regionalCents: EUR(18_000),
    });
  });

  it('records no split where the programme stated none, and no axis where its measure has none', async () => {
    const [awarded] = await given(programmeEstablished, measureDefined, ...admissibleBid.slice(1)).when(awardG1, now);
    expect(awarded).toMatchObject({ type: 'GrantAwarded', data: { cofinancing: null, priorityAxis: null } });
  });
});

describe('the order of arrival', () => {
  const firstCome = { ...callOpened, data: { ...callOpened.data, selection: 'first-come' } } as CallEvent;
  const closed: CallEvent = { type: 'CallClosed', data: { callId: 'c1', closedAt: '' } };
  const bid = (bidId: string): FundingEvent =>
    ({ ...bidSubmitted, data: { ...bidSubmitted.data, bidId } }) as FundingEvent;
  const evaluate = (bidId: string) => ({
    type: 'EvaluateBid' as const,
    bidId,
    admissible: true,
    score: 70,
    evaluatedBy: 'evaluator-1',
  });

  it('queues an admissible bid of a first-come call on the call, by its place in the log', async () => {
    const events = await given(programmeEstablished, firstCome, bid('b1')).when(evaluate('b1'), now);
    expect(events.map((e) => e.type)).toEqual(['BidEvaluated', 'BidQueued']);
    expect(events[1]).toMatchObject({
      data: { callId: 'c1', bidId: 'b1', arrival: expect.stringMatching(/^\d{20}\.\d{20}$/) },
    });
    expect(
      (await given(programmeEstablished, callOpened, bid('b1')).when(evaluate('b1'), now)).map((e) => e.type),
    ).toEqual(['BidEvaluated']);
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
    await expectRefusal(
      given(programmeEstablished, callOpened, closed, bid('b1')).when(evaluate('b1'), now),
      'BID_AFTER_CLOSE',
    );
    expect(
      await given(programmeEstablished, callOpened, closed, bid('b1')).when(
        { ...evaluate('b1'), admissible: false, score: null },
        now,
      ),
    ).toHaveLength(1);
    await expectRefusal(
      given(programmeEstablished, callOpened, bid('b0'), closed, bid('b1'), bidAdmissible).when(awardG1, now),
      'BID_AFTER_CLOSE',
    );
    expect(await given(programmeEstablished, callOpened, bid('b1'), closed).when(evaluate('b1'), now)).toHaveLength(1);
  });
});
