/**
 * What an award states besides its amount: its CUP, its operation, and the State aid records it
 * needs (RNA, de minimis, Deggendorf, COVAR).
 */
import { describe, expect, it } from '@jest/globals';
import {
  ACT,
  CUP_G1,
  EUR,
  FINANCE_OFFICER,
  OPERATION,
  programmeEstablished,
  callOpened,
  bidSubmitted,
  bidAdmissible,
  grantAwarded,
  budgetCommitted,
  bidAwarded,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { admissibleBid, awardG1 } from '../../test-support/grant.fixtures.js';
import { b1Ranked, callClosed } from '../../test-support/ranking.fixtures.js';
import type { BidEvent } from '../bids/bid.events.js';
import type { CallEvent } from '../calls/call.events.js';
import type { FundingEvent } from '../funding.events.js';
import { streamOf } from '../streams.js';
import type { GrantEvent } from './grant.events.js';
import type { RecordDisbursement } from './record-disbursement.js';
import { DEFAULT_PROGRAMME_RULES } from '../programmes/programme.events.js';

const now = new Date('2026-05-01T10:00:00.000Z');

describe('the legal identity of an award', () => {
  const deMinimisCall = { ...callOpened, data: { ...callOpened.data, aidRegime: 'de-minimis' } } as CallEvent;
  /** A GBER call recorded before calls named their article (no intensity cap). */
  const gberCall = { ...callOpened, data: { ...callOpened.data, aidRegime: 'gber' } } as CallEvent;
  const linkedBid = {
    ...bidSubmitted,
    data: { ...bidSubmitted.data, linkedUndertakings: ['09876543210'] },
  } as BidEvent;
  const visura = { reference: 'VISURA-1', date: '2026-04-01', receivedCents: EUR(200_000) };
  /** The award act, after the visura: its date is the grant date. */
  const awardAct = { ...ACT, date: '2026-04-30' };
  /** b1 on `call`, closed, ranked first. */
  const rankedOn = (call: CallEvent, bid: FundingEvent = bidSubmitted): FundingEvent[] => [
    programmeEstablished,
    call,
    bid,
    bidAdmissible,
    callClosed,
    b1Ranked,
  ];
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
    await expectRefusal(
      given(...admissibleBid).when(
        { ...awardG1, operation: { ...OPERATION, totalEligibleCostCents: EUR(120_000) - 1 } },
        now,
      ),
      'AWARD_EXCEEDS_ELIGIBLE_COST',
    );
    await expectRefusal(
      given(...admissibleBid).when({ ...awardG1, operation: { ...OPERATION, plannedEndDate: '2026-01-01' } }, now),
      'INVALID_INPUT',
    );
  });

  it("takes intervention types and specific objectives from the programme's code lists when it has them", async () => {
    const withLists = {
      ...programmeEstablished,
      data: {
        ...programmeEstablished.data,
        rules: { ...DEFAULT_PROGRAMME_RULES, interventionTypes: ['138'], specificObjectives: ['ESO4.11'] },
      },
    } as FundingEvent;
    const rest = admissibleBid.slice(1);
    expect(
      await given(withLists, ...rest).when(
        { ...awardG1, operation: { ...OPERATION, interventionType: '138', specificObjective: 'ESO4.11' } },
        now,
      ),
    ).toHaveLength(4);
    await expectRefusal(
      given(withLists, ...rest).when({ ...awardG1, operation: { ...OPERATION, interventionType: '999' } }, now),
      'UNKNOWN_INTERVENTION_TYPE',
    );
    await expectRefusal(
      given(withLists, ...rest).when({ ...awardG1, operation: { ...OPERATION, specificObjective: 'X' } }, now),
      'UNKNOWN_SPECIFIC_OBJECTIVE',
    );
  });

  it('needs the COR under an aid regime, and the visura under de minimis', async () => {
    await expectRefusal(given(...rankedOn(gberCall)).when(awardG1, now), 'RNA_COR_REQUIRED');
    expect(
      await given(...rankedOn(gberCall)).when({ ...awardG1, rna: { cor: 'COR-1', deMinimisVisura: null } }, now),
    ).toHaveLength(4);
    await expectRefusal(
      given(...rankedOn(deMinimisCall)).when({ ...awardG1, rna: { cor: 'COR-1', deMinimisVisura: null } }, now),
      'DE_MINIMIS_VISURA_REQUIRED',
    );
  });

  it('records de minimis aid on every member of the single undertaking', async () => {
    const events = await given(...rankedOn(deMinimisCall, linkedBid)).when(
      { ...awardG1, amountCents: EUR(60_000), rna: { cor: 'COR-1', deMinimisVisura: visura }, act: awardAct },
      now,
    );
    expect(events.filter((e) => e.type === 'DeMinimisAidRecorded').map((e) => streamOf(e))).toEqual([
      'undertaking-01234567890',
      'undertaking-09876543210',
    ]);
    // Granted on the award act's date, recorded now.
    expect(events.find((e) => e.type === 'DeMinimisAidRecorded')).toMatchObject({
      data: { grantDate: '2026-04-30', awardedAt: now.toISOString() },
    });
  });

  it('keeps a single undertaking within the ceiling: the visura, the aid granted here to any member since, and this award', async () => {
    const history = rankedOn(deMinimisCall, linkedBid);
    const award = {
      ...awardG1,
      amountCents: EUR(60_000),
      rna: { cor: 'COR-1', deMinimisVisura: visura },
      act: awardAct,
    };
    // EUR 200,000 in the visura + EUR 50,000 granted here to the linked undertaking after it: EUR 50,000 left.
    const linkedAid = aid('09876543210', 'g-other', EUR(50_000), '2026-04-15T10:00:00.000Z');
    await expect(given(...history, linkedAid).when(award, now)).rejects.toMatchObject({
      code: 'DE_MINIMIS_CEILING_EXCEEDED',
      details: { headroomCents: EUR(50_000), regulation: 'Reg. (EU) 2023/2831' },
    });
    expect(await given(...history, linkedAid).when({ ...award, amountCents: EUR(50_000) }, now)).toHaveLength(6);
    // Aid granted before the visura's date is in the visura already; aid older than the window has dropped out.
    const beforeVisura = aid('09876543210', 'g-old', EUR(90_000), '2026-03-01T10:00:00.000Z');
    expect(await given(...history, beforeVisura).when({ ...award, amountCents: EUR(100_000) }, now)).toHaveLength(6);
  });

  it('asks for the COVAR of a revocation of aid, and the Deggendorf visura of every payment of aid', async () => {
    const aided = {
      ...grantAwarded(EUR(120_000)),
      data: { ...grantAwarded(EUR(120_000)).data, aidRegime: 'gber', rna: { cor: 'COR-1', deMinimisVisura: null } },
    } as GrantEvent;
    const history = [...rankedOn(gberCall), aided, budgetCommitted(EUR(120_000)), bidAwarded(EUR(120_000))];
    const pay: RecordDisbursement = {
      type: 'RecordDisbursement',
      grantId: 'g1',
      disbursementId: 'd1',
      kind: 'advance',
      amountCents: EUR(10_000),
      paidBy: FINANCE_OFFICER,
    };
    await expectRefusal(given(...history).when(pay, now), 'DEGGENDORF_VISURA_REQUIRED');
    expect(await given(...history).when({ ...pay, deggendorfVisuraRef: 'DEGG-1' }, now)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ deggendorfVisuraRef: 'DEGG-1' }) }),
    ]);
    await expectRefusal(
      given(...history).when({ type: 'RevokeGrant', grantId: 'g1', reason: 'Irregularity', act: ACT }, now),
      'COVAR_REQUIRED',
    );
    expect(
      (
        await given(...history).when(
          { type: 'RevokeGrant', grantId: 'g1', reason: 'Irregularity', covar: 'COVAR-1', act: ACT },
          now,
        )
      )[0],
    ).toMatchObject({ data: { covar: 'COVAR-1' } });
  });
});
