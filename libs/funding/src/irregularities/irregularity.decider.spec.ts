import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  CONTROLLER,
  CUP_G1,
  EUR,
  disbursed,
  measureDefined,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { grantOnOpenCall } from '../../test-support/grant.fixtures.js';
import type { FundingEvent } from '../funding.events.js';
import type { ProgrammeEvent } from '../programmes/programme.events.js';
import type { FollowUpIrregularity } from './follow-up-irregularity.js';
import type { IrregularityEvent } from './irregularity.events.js';
import { olafReportingDeadline } from './irregularity.js';
import type { RecordIrregularity } from './record-irregularity.js';

const now = new Date('2026-10-01T10:00:00.000Z');
const FSE_50_35_15 = { euBp: 5000, nationalBp: 3500, regionalBp: 1500 };

/** WECARE with its FSE share split 50 / 35 / 15 (its FESR share states none). */
const cofinanced: ProgrammeEvent = {
  type: 'ProgrammeEstablished',
  data: {
    ...(programmeEstablished.data as Extract<ProgrammeEvent, { type: 'ProgrammeEstablished' }>['data']),
    funds: [
      { fund: 'FSE', amountCents: EUR(15_000_000), euCoFinancingRateBp: 5000, cofinancing: FSE_50_35_15 },
      { fund: 'FESR', amountCents: EUR(5_000_000), euCoFinancingRateBp: null, cofinancing: null },
    ],
  },
};

/** Grant g1 on measure M4 (FSE), EUR 120,000 awarded, EUR 48,000 paid in advance. */
const paidGrant = (programme: ProgrammeEvent = cofinanced, ...later: FundingEvent[]): FundingEvent[] => [
  ...grantOnOpenCall(disbursed('d1', 'advance', EUR(48_000))).map((e) => (e === programmeEstablished ? programme : e)),
  measureDefined,
  ...later,
];

const record = (overrides: Partial<RecordIrregularity> = {}): RecordIrregularity => ({
  type: 'RecordIrregularity',
  grantId: 'g1',
  irregularityId: 'irr-1',
  irregularityType: 'PROCUREMENT',
  firstWrittenFindingOn: '2026-08-10',
  irregularAmountCents: EUR(30_000),
  suspectedFraud: false,
  description: 'Supplier chosen without the comparison of quotes the call required',
  recordedBy: CONTROLLER,
  ...overrides,
});

const recorded = (irregularAmountCents: number, split: [number, number, number]): IrregularityEvent => ({
  type: 'IrregularityRecorded',
  data: {
    irregularityId: 'irr-1',
    grantId: 'g1',
    callId: 'c1',
    programmeId: 'wecare',
    measureId: 'm4',
    fund: 'FSE',
    cup: CUP_G1,
    type: 'PROCUREMENT',
    firstWrittenFindingOn: '2026-08-10',
    irregularAmountCents,
    cofinancing: FSE_50_35_15,
    euCents: split[0],
    nationalCents: split[1],
    regionalCents: split[2],
    suspectedFraud: false,
    description: 'Supplier chosen without the comparison of quotes the call required',
    reportable: split[0] > EUR(10_000),
    reportToOlafBy: split[0] > EUR(10_000) ? '2026-11-30' : null,
    recordedBy: CONTROLLER,
    recordedAt: '',
  },
});

const followUp = (overrides: Partial<FollowUpIrregularity> = {}): FollowUpIrregularity => ({
  type: 'FollowUpIrregularity',
  irregularityId: 'irr-1',
  status: 'under-recovery',
  correctedCents: null,
  recoveredCents: null,
  note: null,
  followedUpBy: CONTROLLER,
  ...overrides,
});

const stamped = (event: IrregularityEvent): FundingEvent =>
  event.type === 'IrregularityRecorded'
    ? { ...event, data: { ...event.data, recordedAt: now.toISOString() } }
    : { ...event, data: { ...event.data, followedUpAt: now.toISOString() } };

/** The recorded irregularity of EUR 30,000 (EUR 15,000 of it EU: reportable). */
const onRecord = (...later: FundingEvent[]) =>
  paidGrant(cofinanced, recorded(EUR(30_000), [EUR(15_000), EUR(10_500), EUR(4_500)]), ...later);

describe('recording an irregularity', () => {
  it("records it with its whole co-financing split and, above EUR 10,000 of EU share, OLAF's deadline", async () => {
    expect(await given(...paidGrant()).when(record(), now)).toEqual([
      stamped(recorded(EUR(30_000), [EUR(15_000), EUR(10_500), EUR(4_500)])),
    ]);
  });

  it('is not reportable at exactly EUR 10,000 of EU share, and is one cent above', async () => {
    const atThreshold = await given(...paidGrant()).when(record({ irregularAmountCents: EUR(20_000) }), now);
    expect(atThreshold).toEqual([stamped(recorded(EUR(20_000), [EUR(10_000), EUR(7_000), EUR(3_000)]))]);
    expect(atThreshold[0]).toMatchObject({ data: { reportable: false, reportToOlafBy: null } });
    // 2,000,001 cents: the odd cent goes to the EU share, the largest remainder (EUR 10,000.01).
    const above = await given(...paidGrant()).when(record({ irregularAmountCents: EUR(20_000) + 1 }), now);
    expect(above[0]).toMatchObject({
      data: { euCents: EUR(10_000) + 1, nationalCents: EUR(7_000), regionalCents: EUR(3_000), reportable: true },
    });
  });

  it('reports a suspected fraud whatever its amount', async () => {
    const events = await given(...paidGrant()).when(record({ irregularAmountCents: 100, suspectedFraud: true }), now);
    expect(events[0]).toMatchObject({
      data: { euCents: 50, suspectedFraud: true, reportable: true, reportToOlafBy: '2026-11-30' },
    });
  });

  it('refuses an amount above what the grant was paid, naming the figure; takes exactly that', async () => {
    const refused = given(...paidGrant()).when(record({ irregularAmountCents: EUR(48_000) + 1 }), now);
    await expectRefusal(refused, 'IRREGULAR_AMOUNT_EXCEEDS_PAID');
    await expect(refused).rejects.toMatchObject({
      message: expect.stringContaining('4800000'),
      details: { paidCents: EUR(48_000) },
    });
    expect(await given(...paidGrant()).when(record({ irregularAmountCents: EUR(48_000) }), now)).toHaveLength(1);
  });

  it('refuses an amount that is not a positive whole number of cents', async () => {
    for (const irregularAmountCents of [0, -1, 10.5, Number.NaN])
      await expectRefusal(given(...paidGrant()).when(record({ irregularAmountCents }), now), 'INVALID_AMOUNT');
  });

  it("refuses when the fund share of the grant's measure states no co-financing", async () => {
    await expectRefusal(given(...paidGrant(programmeEstablished)).when(record(), now), 'COFINANCING_NOT_STATED');
  });

  it('takes an irregularity id once, and only on a grant that exists', async () => {
    await expectRefusal(
      given(...onRecord()).when(record({ irregularAmountCents: 1 }), now),
      'IRREGULARITY_ALREADY_RECORDED',
    );
    await expectRefusal(given(...paidGrant()).when(record({ grantId: 'g9' }), now), 'GRANT_NOT_FOUND');
  });

  it('takes a first written finding of today or before, never a day to come or one that does not exist', async () => {
    expect(await given(...paidGrant()).when(record({ firstWrittenFindingOn: '2026-10-01' }), now)).toHaveLength(1);
    for (const firstWrittenFindingOn of ['2026-10-02', '2026-02-30', '10/08/2026', ''])
      await expectRefusal(given(...paidGrant()).when(record({ firstWrittenFindingOn }), now), 'INVALID_INPUT');
  });

  it('requires a type of up to 100 characters, a description and a yes or no on fraud', async () => {
    for (const bad of [
      { irregularityType: ' ' },
      { irregularityType: 'X'.repeat(101) },
      { description: '' },
      { suspectedFraud: 'no' as unknown as boolean },
    ])
      await expectRefusal(given(...paidGrant()).when(record(bad), now), 'INVALID_INPUT');
    expect(await given(...paidGrant()).when(record({ irregularityType: 'X'.repeat(100) }), now)).toHaveLength(1);
  });
});

describe('following an irregularity up', () => {
  it('records where the case stands, its amounts to date', async () => {
    expect(
      await given(...onRecord()).when(
        followUp({ correctedCents: EUR(30_000), recoveredCents: EUR(5_000), note: 'Order DD 12/2026' }),
        now,
      ),
    ).toEqual([
      stamped({
        type: 'IrregularityFollowedUp',
        data: {
          irregularityId: 'irr-1',
          grantId: 'g1',
          status: 'under-recovery',
          correctedCents: EUR(30_000),
          recoveredCents: EUR(5_000),
          note: 'Order DD 12/2026',
          followedUpBy: CONTROLLER,
          followedUpAt: '',
        },
      }),
    ]);
  });

  it('keeps an amount not given at its last figure', async () => {
    const first = (
      await given(...onRecord()).when(followUp({ correctedCents: EUR(30_000), recoveredCents: EUR(5_000) }), now)
    )[0]!;
    const events = await given(...onRecord(first)).when(
      followUp({ status: 'closed', recoveredCents: EUR(30_000) }),
      now,
    );
    expect(events[0]).toMatchObject({
      data: { status: 'closed', correctedCents: EUR(30_000), recoveredCents: EUR(30_000) },
    });
  });

  it('refuses amounts below zero, above the irregular amount or not whole, and an unknown status', async () => {
    for (const bad of [
      { correctedCents: -1 },
      { recoveredCents: EUR(30_000) + 1 },
      { correctedCents: 0.5 },
      { status: 'reopened' as never },
    ])
      await expectRefusal(given(...onRecord()).when(followUp(bad), now), 'INVALID_INPUT');
    expect(
      await given(...onRecord()).when(followUp({ recoveredCents: EUR(30_000), correctedCents: 0 }), now),
    ).toHaveLength(1);
  });

  it('takes no follow-up once closed, and none on an irregularity never recorded', async () => {
    const closed = (await given(...onRecord()).when(followUp({ status: 'closed' }), now))[0]!;
    await expectRefusal(given(...onRecord(closed)).when(followUp({ status: 'open' }), now), 'IRREGULARITY_CLOSED');
    await expectRefusal(given(...paidGrant()).when(followUp(), now), 'IRREGULARITY_NOT_FOUND');
  });
});

describe("OLAF's deadline: two months after the end of the quarter of the first written finding", () => {
  it.each([
    ['2026-01-01', '2026-05-31'],
    ['2026-02-10', '2026-05-31'],
    ['2026-03-31', '2026-05-31'],
    ['2026-04-01', '2026-08-31'],
    ['2026-06-30', '2026-08-31'],
    ['2026-07-15', '2026-11-30'],
    ['2026-09-30', '2026-11-30'],
    ['2026-10-01', '2027-02-28'],
    ['2026-11-03', '2027-02-28'],
    ['2026-12-31', '2027-02-28'],
    ['2027-10-20', '2028-02-29'],
    ['2099-12-01', '2100-02-28'],
    ['2399-11-30', '2400-02-29'],
  ])('a finding of %s is reported by %s', (finding, due) => {
    expect(olafReportingDeadline(finding)).toBe(due);
  });

  it('is always after the finding, in the third to fifth calendar month counting its own as the first, on the last day of that month', () => {
    const day = fc
      .date({
        min: new Date('1990-01-01T00:00:00.000Z'),
        max: new Date('2200-12-31T00:00:00.000Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, (finding) => {
        const due = olafReportingDeadline(finding);
        expect(due > finding).toBe(true);
        const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
        const apart = months(due) - months(finding);
        expect(apart).toBeGreaterThanOrEqual(2);
        expect(apart).toBeLessThanOrEqual(4);
        // The day after it is the first of a month.
        const next = new Date(`${due}T00:00:00.000Z`);
        next.setUTCDate(next.getUTCDate() + 1);
        expect(next.getUTCDate()).toBe(1);
        expect(new Date(`${due}T00:00:00.000Z`).toISOString().slice(0, 10)).toBe(due);
        // In days: 59 (31 December to 28 February) to 152 (1 April to 31 August).
        const days = (Date.parse(due) - Date.parse(finding)) / 86_400_000;
        expect(days).toBeGreaterThanOrEqual(59);
        expect(days).toBeLessThanOrEqual(152);
      }),
      { numRuns: 2_000 },
    );
  });
});
