import { describe, expect, it } from '@jest/globals';
import {
  ACT,
  CLOSES,
  EUR,
  OPENS,
  OPERATION,
  awardTerms,
  bidAdmissible,
  bidSubmitted,
  callOpened,
  measureDefined,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { b1Ranked, callClosed } from '../../test-support/ranking.fixtures.js';
import type { CallEvent } from '../calls/call.events.js';
import type { OpenCall } from '../calls/open-call.js';
import type { FundingEvent } from '../funding.events.js';
import type { AwardGrant } from '../grants/award-grant.js';
import { DEFAULT_PROGRAMME_RULES } from '../programmes/programme.events.js';
import { deMinimisRegulationOn, windowStart } from './de-minimis.js';

const now = new Date('2026-05-04T10:00:00.000Z');
const deMinimisCall = { ...callOpened, data: { ...callOpened.data, aidRegime: 'de-minimis' } } as CallEvent;
/** b1 on a de minimis call, closed and ranked; the programme with `rules`. */
const onDeMinimis = (rules = DEFAULT_PROGRAMME_RULES): FundingEvent[] => [
  { ...programmeEstablished, data: { ...programmeEstablished.data, rules } } as FundingEvent,
  deMinimisCall,
  bidSubmitted,
  bidAdmissible,
  callClosed,
  b1Ranked,
];
/** An award of `amountCents` by an act of `actDate`, with a visura of `visuraDate` listing `receivedCents`. */
/** The award of g1 on b1 of `amountCents`, on the fixtures' terms. */
const awardOfB1 = (amountCents: number): AwardGrant => ({
  type: 'AwardGrant',
  grantId: 'g1',
  callId: 'c1',
  bidId: 'b1',
  amountCents,
  ...awardTerms('g1', amountCents),
});
const awardOn = (
  actDate: string,
  amountCents: number,
  receivedCents: number,
  visuraDate = '2020-01-01',
): AwardGrant => ({
  ...awardOfB1(amountCents),
  rna: { cor: 'COR-1', deMinimisVisura: { reference: 'VIS-1', date: visuraDate, receivedCents } },
  act: { ...ACT, date: actDate },
});
/** De minimis aid this ledger granted to the beneficiary on `grantDate`. */
const aidOn = (grantId: string, grantDate: string, amountCents: number): FundingEvent => ({
  type: 'DeMinimisAidRecorded',
  data: {
    undertaking: '01234567890',
    beneficiary: '01234567890',
    grantId,
    amountCents,
    grantDate,
    awardedAt: `${grantDate}T10:00:00.000Z`,
  },
});

describe("de minimis by the regulation in force on the grant date (the award act's date)", () => {
  it('chooses Reg. 1407/2013 up to 31 December 2023 and Reg. 2023/2831 from 1 January 2024', () => {
    expect(deMinimisRegulationOn('2023-12-31')).toMatchObject({
      regulation: 'Reg. (EU) 1407/2013',
      ceilingCents: EUR(200_000),
      window: { kind: 'fiscal-years', years: 3 },
    });
    expect(deMinimisRegulationOn('2017-11-02')).toMatchObject({ regulation: 'Reg. (EU) 1407/2013' });
    expect(deMinimisRegulationOn('2024-01-01')).toMatchObject({
      regulation: 'Reg. (EU) 2023/2831',
      ceilingCents: EUR(300_000),
      window: { kind: 'rolling-years', years: 3 },
    });
  });

  it('counts the fiscal year of the grant and the two before (a fiscal year is the calendar year), or any three years ending on the grant date', () => {
    expect(windowStart({ kind: 'fiscal-years', years: 3 }, '2023-06-15')).toBe('2021-01-01');
    expect(windowStart({ kind: 'rolling-years', years: 3 }, '2027-03-10')).toBe('2024-03-11');
    expect(windowStart({ kind: 'rolling-years', years: 3 }, '2028-02-29')).toBe('2025-03-01');
  });

  it('holds an award of 2023 to EUR 200,000 over 2021-2023: the visura, the aid granted here in those years, and the award', async () => {
    // The visura lists EUR 100,000; this ledger granted EUR 40,000 in 2021 (counted) and EUR 70,000 in 2020 (out of the window).
    const history = [
      ...onDeMinimis(),
      aidOn('g-2021', '2021-01-01', EUR(40_000)),
      aidOn('g-2020', '2020-12-31', EUR(70_000)),
    ];
    await expect(
      given(...history).when(awardOn('2023-06-15', EUR(60_000) + 1, EUR(100_000)), now),
    ).rejects.toMatchObject({
      code: 'DE_MINIMIS_CEILING_EXCEEDED',
      details: {
        headroomCents: EUR(60_000),
        regulation: 'Reg. (EU) 1407/2013',
        ceilingCents: EUR(200_000),
        windowStart: '2021-01-01',
      },
    });
    const events = await given(...history).when(awardOn('2023-06-15', EUR(60_000), EUR(100_000)), now);
    expect(events.find((e) => e.type === 'DeMinimisAidRecorded')).toMatchObject({
      data: { grantDate: '2023-06-15', amountCents: EUR(60_000) },
    });
  });

  it('holds an award of 2024 to EUR 300,000 over the three years before it, whatever the fiscal years', async () => {
    // Granted on 10 March 2027: aid of 11 March 2024 counts, aid of 10 March 2024 has dropped out.
    const history = [
      ...onDeMinimis(),
      aidOn('g-in', '2024-03-11', EUR(100_000)),
      aidOn('g-out', '2024-03-10', EUR(150_000)),
    ];
    await expect(given(...history).when(awardOn('2026-03-10', EUR(100_000), EUR(100_000)), now)).rejects.toMatchObject({
      code: 'DE_MINIMIS_CEILING_EXCEEDED',
      details: { regulation: 'Reg. (EU) 2023/2831', windowStart: '2023-03-11' },
    });
    const later = new Date('2027-03-12T10:00:00.000Z');
    expect(await given(...history).when(awardOn('2027-03-10', EUR(100_000), EUR(100_000)), later)).toHaveLength(5);
    await expect(
      given(...history).when(awardOn('2027-03-10', EUR(100_000) + 1, EUR(100_000)), later),
    ).rejects.toMatchObject({ details: { headroomCents: EUR(100_000), windowStart: '2024-03-11' } });
  });

  it('the same undertaking, the same aid: EUR 250,000 is refused in 2023 and granted in 2024', async () => {
    await expectRefusal(
      given(...onDeMinimis()).when(awardOn('2023-12-31', EUR(150_000), EUR(100_000)), now),
      'DE_MINIMIS_CEILING_EXCEEDED',
    );
    expect(await given(...onDeMinimis()).when(awardOn('2024-01-01', EUR(150_000), EUR(100_000)), now)).toHaveLength(5);
  });

  it("holds an award to the programme's own ceiling too, when it is lower than the regulation's", async () => {
    const strict = { ...DEFAULT_PROGRAMME_RULES, deMinimis: { ceilingCents: EUR(100_000), windowYears: 3 } };
    await expect(
      given(...onDeMinimis(strict)).when(awardOn('2026-04-30', EUR(50_000) + 1, EUR(50_000)), now),
    ).rejects.toMatchObject({
      details: { headroomCents: EUR(50_000), ceilingCents: EUR(100_000), regulation: 'Reg. (EU) 2023/2831' },
    });
  });

  it('refuses a visura dated after the award act', async () => {
    await expectRefusal(
      given(...onDeMinimis()).when(awardOn('2026-04-30', EUR(10_000), 0, '2026-05-01'), now),
      'INVALID_INPUT',
    );
  });
});

describe('GBER: the maximum aid intensity of the article', () => {
  const withMeasure = [programmeEstablished, measureDefined] as const;
  const openGber: OpenCall = {
    type: 'OpenCall',
    callId: 'c1',
    programmeId: 'wecare',
    measureId: 'm4',
    title: 'Formazione (GBER)',
    budgetCents: EUR(2_500_000),
    opensAt: OPENS,
    closesAt: CLOSES,
    eligibleApplicantTypes: ['company'],
    aidRegime: 'gber',
    gber: { article: 'art. 31', maxIntensityBp: 5000 },
  };

  it('a GBER call states its article and maximum intensity when it opens; no other call does', async () => {
    const [opened] = await given(...withMeasure).when(openGber, now);
    expect(opened).toMatchObject({
      type: 'CallOpened',
      data: { aidRegime: 'gber', gber: { article: 'art. 31', maxIntensityBp: 5000 } },
    });
    await expectRefusal(given(...withMeasure).when({ ...openGber, gber: null }, now), 'INVALID_INPUT');
    for (const maxIntensityBp of [0, 10_001, 50.5])
      await expectRefusal(
        given(...withMeasure).when({ ...openGber, gber: { article: 'art. 31', maxIntensityBp } }, now),
        'INVALID_INPUT',
      );
    await expectRefusal(
      given(...withMeasure).when({ ...openGber, gber: { article: ' ', maxIntensityBp: 5000 } }, now),
      'INVALID_INPUT',
    );
    await expectRefusal(given(...withMeasure).when({ ...openGber, aidRegime: 'de-minimis' }, now), 'INVALID_INPUT');
    const [plain] = await given(...withMeasure).when({ ...openGber, aidRegime: 'none', gber: undefined }, now);
    expect(plain).toMatchObject({ data: { gber: null } });
  });

  it("refuses an award above the intensity times the operation's eligible cost (AID_INTENSITY_EXCEEDED)", async () => {
    const gberCall = {
      ...callOpened,
      data: { ...callOpened.data, aidRegime: 'gber', gber: { article: 'art. 31', maxIntensityBp: 5000 } },
    } as CallEvent;
    const history = [programmeEstablished, gberCall, bidSubmitted, bidAdmissible, callClosed, b1Ranked];
    // An operation of EUR 200,000 at 50%: at most EUR 100,000.
    const award = (amountCents: number): AwardGrant => ({
      ...awardOfB1(amountCents),
      operation: OPERATION,
      rna: { cor: 'COR-1', deMinimisVisura: null },
    });
    expect(await given(...history).when(award(EUR(100_000)), now)).toHaveLength(4);
    await expect(given(...history).when(award(EUR(100_000) + 1), now)).rejects.toMatchObject({
      code: 'AID_INTENSITY_EXCEEDED',
      details: { maxIntensityBp: 5000, maxAwardCents: EUR(100_000) },
    });
  });
});
