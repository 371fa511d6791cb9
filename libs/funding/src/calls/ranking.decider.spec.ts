import { describe, expect, it } from '@jest/globals';
import {
  ACT,
  EUR,
  bidAdmissible,
  bidSubmitted,
  budgetCommitted,
  callOpened,
  programmeEstablished,
  awardTerms,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { admissible, b1Ranked, callClosed, passedOver, rankingApproved } from '../../test-support/ranking.fixtures.js';
import type { BidEvent } from '../bids/bid.events.js';
import type { PassOverBid } from '../bids/pass-over-bid.js';
import type { FundingEvent } from '../funding.events.js';
import type { AwardGrant } from '../grants/award-grant.js';
import type { ApproveRanking } from './approve-ranking.js';
import type { CallEvent } from './call.events.js';
import { appealDeadlines } from './ranking.js';

const now = new Date('2026-05-04T10:00:00.000Z');
const RANKING_ACT = {
  number: 'D.D. 412/2026',
  date: '2026-04-20',
  signatory: 'Il Dirigente del Settore Politiche per le famiglie',
};
const approve = (...bidIds: string[]): ApproveRanking => ({
  type: 'ApproveRanking',
  callId: 'c1',
  act: RANKING_ACT,
  bidIds,
});
const award = (bidId: string, amountCents = EUR(100_000), grantId = `g-${bidId}`): AwardGrant => ({
  type: 'AwardGrant',
  grantId,
  callId: 'c1',
  bidId,
  amountCents,
  ...awardTerms(grantId, amountCents),
});
const passOver = (bidId: string, reason: PassOverBid['reason']): PassOverBid => ({
  type: 'PassOverBid',
  bidId,
  reason,
  act: ACT,
});
const submitted = (bidId: string, requestedCents = EUR(150_000)): BidEvent =>
  ({ ...bidSubmitted, data: { ...bidSubmitted.data, bidId, requestedCents } }) as BidEvent;
const evaluated = (bidId: string, admissibleBid: boolean, score: number | null): BidEvent =>
  ({ ...bidAdmissible, data: { ...bidAdmissible.data, bidId, admissible: admissibleBid, score } }) as BidEvent;
const withdrawn = (bidId: string, previousStatus: 'submitted' | 'admissible' | 'passed-over'): BidEvent => ({
  type: 'BidWithdrawn',
  data: { bidId, callId: 'c1', previousStatus, withdrawnAt: '2026-04-02T10:00:00.000Z' },
});
const committed = (bidId: string, amountCents: number): FundingEvent[] => [
  budgetCommitted(amountCents, `g-${bidId}`, bidId),
  {
    type: 'BidAwarded',
    data: { bidId, callId: 'c1', grantId: `g-${bidId}`, amountCents, awardedAt: '2026-05-01T10:00:00.000Z' },
  },
];
const released = (amountCents: number): CallEvent => ({
  type: 'CallBudgetReleased',
  data: { callId: 'c1', grantId: 'g-x', amountCents, cause: 'revocation', releasedAt: '2026-05-02T10:00:00.000Z' },
});

/** b1 (82), b2 (90), b3 (82, after b1) admissible on c1: the ranking is b2, b1, b3. */
const threeBids: FundingEvent[] = [
  programmeEstablished,
  callOpened,
  bidSubmitted,
  bidAdmissible,
  ...admissible('b2', 90),
  ...admissible('b3', 82),
];
/** Those three, the call closed and its ranking approved. */
const ranked: FundingEvent[] = [...threeBids, callClosed, rankingApproved(['b2', 90], ['b1', 82], ['b3', 82])];

describe('approving the ranking of a call', () => {
  it('ranks the admissible bids by score, equal scores by arrival, and says why the others are not in it, on the call and on each ranked bid', async () => {
    const history = [
      ...threeBids,
      submitted('b4'),
      evaluated('b4', false, null),
      submitted('b5'),
      withdrawn('b5', 'submitted'),
      callClosed,
      submitted('b6'),
    ];
    const events = await given(...history).when(approve('b1', 'b2', 'b3', 'b4', 'b5', 'b6'), now);
    const at = now.toISOString();
    expect(events).toEqual([
      {
        type: 'RankingApproved',
        data: {
          callId: 'c1',
          act: RANKING_ACT,
          ranked: [
            { bidId: 'b2', score: 90, rank: 1 },
            { bidId: 'b1', score: 82, rank: 2 },
            { bidId: 'b3', score: 82, rank: 3 },
          ],
          notRanked: [
            { bidId: 'b4', reason: 'inadmissible' },
            { bidId: 'b5', reason: 'withdrawn' },
            { bidId: 'b6', reason: 'late' },
          ],
          approvedAt: at,
        },
      },
      { type: 'BidRanked', data: { bidId: 'b2', callId: 'c1', rank: 1, score: 90, act: RANKING_ACT, rankedAt: at } },
      { type: 'BidRanked', data: { bidId: 'b1', callId: 'c1', rank: 2, score: 82, act: RANKING_ACT, rankedAt: at } },
      { type: 'BidRanked', data: { bidId: 'b3', callId: 'c1', rank: 3, score: 82, act: RANKING_ACT, rankedAt: at } },
    ]);
  });

  it('refuses a call still open, even past its window: its close is the line between bids on time and late ones (CALL_NOT_CLOSED)', async () => {
    await expectRefusal(given(...threeBids).when(approve('b1', 'b2', 'b3'), now), 'CALL_NOT_CLOSED');
  });

  it('refuses while a bid on time is not evaluated (BIDS_NOT_EVALUATED); a withdrawn or a late one does not count', async () => {
    const waiting = [...threeBids, submitted('b4'), submitted('b5'), callClosed];
    await expect(given(...waiting).when(approve('b1', 'b2', 'b3', 'b4', 'b5'), now)).rejects.toMatchObject({
      code: 'BIDS_NOT_EVALUATED',
      details: { notEvaluated: 2, bidId: 'b4' },
    });
    const settled = [...threeBids, submitted('b4'), withdrawn('b4', 'submitted'), callClosed, submitted('b5')];
    expect((await given(...settled).when(approve('b1', 'b2', 'b3', 'b4', 'b5'), now))[0]).toMatchObject({
      data: {
        notRanked: [
          { bidId: 'b4', reason: 'withdrawn' },
          { bidId: 'b5', reason: 'late' },
        ],
      },
    });
  });

  it('approves a ranking once, only on a ranking call, never on a cancelled one', async () => {
    await expectRefusal(given(...ranked).when(approve('b1', 'b2', 'b3'), now), 'RANKING_ALREADY_APPROVED');
    const firstCome = { ...callOpened, data: { ...callOpened.data, selection: 'first-come' } } as CallEvent;
    await expectRefusal(
      given(programmeEstablished, firstCome, bidSubmitted, callClosed).when(approve('b1'), now),
      'NOT_A_RANKING_CALL',
    );
    const cancelled: CallEvent = {
      type: 'CallCancelled',
      data: { callId: 'c1', reason: null, releasedCents: 0, cancelledAt: '' },
    };
    await expectRefusal(given(...threeBids, cancelled).when(approve('b1', 'b2', 'b3'), now), 'CALL_CANCELLED');
  });

  it('refuses an act dated after today, a bid of another call, an unknown bid or call', async () => {
    await expectRefusal(
      given(...threeBids, callClosed).when(
        { ...approve('b1', 'b2', 'b3'), act: { ...RANKING_ACT, date: '2026-05-05' } },
        now,
      ),
      'ACT_DATE_IN_FUTURE',
    );
    const elsewhere = { ...submitted('b9'), data: { ...submitted('b9').data, callId: 'c2' } } as BidEvent;
    await expectRefusal(
      given(...threeBids, elsewhere, callClosed).when(approve('b1', 'b2', 'b3', 'b9'), now),
      'BID_NOT_IN_CALL',
    );
    await expectRefusal(given(...threeBids, callClosed).when(approve('b1', 'b2', 'b3', 'b8'), now), 'BID_NOT_FOUND');
    await expectRefusal(given().when(approve(), now), 'CALL_NOT_FOUND');
  });

  it('gives the appeal deadlines from the act: 60 days to the TAR, 120 to the President of the Republic', () => {
    expect(appealDeadlines('2026-04-20')).toEqual({ tar: '2026-06-19', president: '2026-08-18' });
    expect(appealDeadlines('2024-12-31')).toEqual({ tar: '2025-03-01', president: '2025-04-30' });
  });
});

describe('awarding by the ranking', () => {
  it('refuses an award on a ranking call before its ranking is approved (RANKING_NOT_APPROVED), open or closed', async () => {
    await expectRefusal(given(...threeBids).when(award('b2'), now), 'RANKING_NOT_APPROVED');
    await expectRefusal(given(...threeBids, callClosed).when(award('b2'), now), 'RANKING_NOT_APPROVED');
  });

  it('awards the highest-ranked bid still waiting, and refuses any other with the one waiting (RANKING_ORDER)', async () => {
    await expect(given(...ranked).when(award('b1'), now)).rejects.toMatchObject({
      code: 'RANKING_ORDER',
      details: { waitingBidId: 'b2' },
    });
    expect(await given(...ranked).when(award('b2'), now)).toHaveLength(4);
    // Equal scores: b1 arrived before b3, so it comes first.
    await expect(given(...ranked, ...committed('b2', EUR(100_000))).when(award('b3'), now)).rejects.toMatchObject({
      code: 'RANKING_ORDER',
      details: { waitingBidId: 'b1' },
    });
    expect(await given(...ranked, ...committed('b2', EUR(100_000))).when(award('b1'), now)).toHaveLength(4);
  });

  it('lets a withdrawn bid, or one passed over, out of the line', async () => {
    expect(await given(...ranked, withdrawn('b2', 'admissible')).when(award('b1'), now)).toHaveLength(4);
    expect(await given(...ranked, ...passedOver('b2', 'declined')).when(award('b1'), now)).toHaveLength(4);
    expect(await given(...ranked, ...passedOver('b2', 'requirements-lost')).when(award('b1'), now)).toHaveLength(4);
  });

  it('funds a bid passed over for insufficient funds again once money comes back to the call, before the bids ranked below it ("scorrimento")', async () => {
    // EUR 2.4M committed elsewhere on the call: EUR 100,000 left, short of b2's EUR 150,000.
    const short = [...ranked, ...committed('b0', EUR(2_400_000)), ...passedOver('b2', 'insufficient-funds')];
    expect(await given(...short).when(award('b1', EUR(100_000)), now)).toHaveLength(4);
    await expectRefusal(given(...short).when(award('b2', EUR(100_000)), now), 'BID_PASSED_OVER');
    // A revocation hands EUR 50,000 back: b2 is first in the line again.
    const back = [...short, released(EUR(50_000))];
    await expect(given(...back).when(award('b1', EUR(100_000)), now)).rejects.toMatchObject({
      code: 'RANKING_ORDER',
      details: { waitingBidId: 'b2' },
    });
    expect(await given(...back).when(award('b2', EUR(150_000)), now)).toHaveLength(4);
  });

  it('never brings back a bid passed over because it was declined or lost a requirement', async () => {
    const declined = [...ranked, ...passedOver('b2', 'declined'), released(EUR(50_000))];
    await expectRefusal(given(...declined).when(award('b2'), now), 'BID_PASSED_OVER');
    expect(await given(...declined).when(award('b1'), now)).toHaveLength(4);
  });

  it('refuses a bid that is not in the ranking (BID_NOT_RANKED)', async () => {
    // Found admissible after the ranking was approved: it never was in it.
    const after = [
      programmeEstablished,
      callOpened,
      bidSubmitted,
      bidAdmissible,
      submitted('b2'),
      callClosed,
      b1Ranked,
      evaluated('b2', true, 99),
    ];
    await expectRefusal(given(...after).when(award('b2'), now), 'BID_NOT_RANKED');
  });

  it('tells a call without the money so before telling the order (BUDGET_EXCEEDED)', async () => {
    await expectRefusal(given(...ranked, ...committed('b0', EUR(2_500_000))).when(award('b1'), now), 'BUDGET_EXCEEDED');
  });
});

describe('passing over a ranked bid', () => {
  const short = [...ranked, ...committed('b0', EUR(2_400_000))];

  it('records the pass-over with its reason and act, on the bid and on the call', async () => {
    const at = now.toISOString();
    const fact = { bidId: 'b2', callId: 'c1', reason: 'insufficient-funds', act: ACT, passedOverAt: at };
    expect(await given(...short).when(passOver('b2', 'insufficient-funds'), now)).toEqual([
      { type: 'BidPassedOver', data: fact },
      { type: 'RankedBidPassedOver', data: fact },
    ]);
  });

  it('passes over for insufficient funds only the first bid waiting (RANKING_ORDER), and only while the call cannot cover it (FUNDS_AVAILABLE)', async () => {
    await expect(given(...short).when(passOver('b1', 'insufficient-funds'), now)).rejects.toMatchObject({
      code: 'RANKING_ORDER',
      details: { waitingBidId: 'b2' },
    });
    await expect(given(...ranked).when(passOver('b2', 'insufficient-funds'), now)).rejects.toMatchObject({
      code: 'FUNDS_AVAILABLE',
      details: { remainingCents: EUR(2_500_000) },
    });
  });

  it('passes over any waiting bid that was declined or lost a requirement, for good', async () => {
    expect(await given(...ranked).when(passOver('b3', 'declined'), now)).toHaveLength(2);
    await expectRefusal(
      given(...ranked, ...passedOver('b3', 'declined')).when(passOver('b3', 'requirements-lost'), now),
      'BID_PASSED_OVER',
    );
    // One set aside for insufficient funds may still be declined.
    expect(
      await given(...short, ...passedOver('b2', 'insufficient-funds')).when(passOver('b2', 'declined'), now),
    ).toHaveLength(2);
  });

  it('passes a bid over for insufficient funds again only after money came back to it', async () => {
    const set = [...short, ...passedOver('b2', 'insufficient-funds')];
    await expectRefusal(given(...set).when(passOver('b2', 'insufficient-funds'), now), 'BID_PASSED_OVER');
    expect(await given(...set, released(EUR(10_000))).when(passOver('b2', 'insufficient-funds'), now)).toHaveLength(2);
  });

  it('refuses a bid not ranked, awarded, withdrawn, a call without a ranking or without one at all, an act dated after today', async () => {
    await expectRefusal(given(...threeBids, callClosed).when(passOver('b2', 'declined'), now), 'RANKING_NOT_APPROVED');
    const firstCome = { ...callOpened, data: { ...callOpened.data, selection: 'first-come' } } as CallEvent;
    await expectRefusal(
      given(programmeEstablished, firstCome, bidSubmitted, bidAdmissible).when(passOver('b1', 'declined'), now),
      'NOT_A_RANKING_CALL',
    );
    await expectRefusal(given(...ranked, submitted('b7')).when(passOver('b7', 'declined'), now), 'BID_NOT_RANKED');
    await expectRefusal(
      given(...ranked, ...committed('b2', EUR(100_000))).when(passOver('b2', 'declined'), now),
      'BID_ALREADY_AWARDED',
    );
    await expectRefusal(
      given(...ranked, withdrawn('b2', 'admissible')).when(passOver('b2', 'declined'), now),
      'BID_WITHDRAWN',
    );
    await expectRefusal(
      given(...ranked).when({ ...passOver('b3', 'declined'), act: { ...ACT, date: '2026-05-05' } }, now),
      'ACT_DATE_IN_FUTURE',
    );
    await expectRefusal(
      given(...ranked).when({ ...passOver('b3', 'declined'), reason: 'bored' as PassOverBid['reason'] }, now),
      'INVALID_INPUT',
    );
    await expectRefusal(given(...ranked).when(passOver('b8', 'declined'), now), 'BID_NOT_FOUND');
  });
});
