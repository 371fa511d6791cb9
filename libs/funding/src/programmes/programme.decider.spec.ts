import { describe, expect, it } from '@jest/globals';
import {
  EUR,
  budgetReserved,
  fold,
  measureDefined,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import type { DefineMeasure } from './define-measure.js';
import type { EstablishProgramme } from './establish-programme.js';
import type { StateCofinancing } from './state-cofinancing.js';
import { PROGRAMME, measureUnreservedCents, requireMeasure } from './programme.js';
import { ELIGIBILITY_BY_PERIOD, type ProgrammeEvent } from './programme.events.js';

const now = new Date('2017-05-22T10:00:00.000Z');

const establish: EstablishProgramme = {
  type: 'EstablishProgramme',
  programmeId: 'wecare',
  code: 'WECARE',
  title: 'Welfare Cantiere Regionale',
  funds: [
    { fund: 'FSE', amountCents: EUR(15_000_000) },
    { fund: 'FESR', amountCents: EUR(5_000_000) },
  ],
};

/** Measure M1 as the manager defines it: what DefineMeasure carries and MeasureDefined records. */
const m1 = {
  programmeId: 'wecare',
  measureId: 'm1',
  code: 'M1',
  title: 'Territorial welfare experiments',
  fund: 'FSE',
  allocationCents: EUR(6_400_000),
} as const;
const defineM1: DefineMeasure = { type: 'DefineMeasure', ...m1 };

describe('establishing a programme', () => {
  it('records the programme with its fund shares and the time the command carries', async () => {
    expect(await given().when(establish, now)).toEqual([programmeEstablished]);
  });

  it('refuses a programme that already exists', async () => {
    await expectRefusal(given(programmeEstablished).when(establish, now), 'PROGRAMME_ALREADY_ESTABLISHED');
  });

  it('refuses a fund named twice', async () => {
    const funds = [
      { fund: 'FSE' as const, amountCents: 100 },
      { fund: 'FSE' as const, amountCents: 200 },
    ];
    await expectRefusal(given().when({ ...establish, funds }, now), 'DUPLICATE_FUND');
  });

  it('records each fund share’s co-financing split, its EU share as the EU co-financing rate', async () => {
    const cofinancing = { euBp: 5000, nationalBp: 3500, regionalBp: 1500 };
    const events = await given().when(
      { ...establish, funds: [{ fund: 'FSE', amountCents: EUR(15_000_000), cofinancing }] },
      now,
    );
    expect(events).toEqual([
      {
        type: 'ProgrammeEstablished',
        data: {
          ...programmeEstablished.data,
          funds: [{ fund: 'FSE', amountCents: EUR(15_000_000), euCoFinancingRateBp: 5000, cofinancing }],
        },
      },
    ]);
  });

  it.each([
    [{ euBp: 5000, nationalBp: 3500, regionalBp: 1000 }, undefined],
    [{ euBp: 5000, nationalBp: 3500, regionalBp: 1500 }, 6000],
  ])('refuses co-financing %j with EU rate %p', async (cofinancing, euCoFinancingRateBp) => {
    await expectRefusal(
      given().when(
        {
          ...establish,
          funds: [
            {
              fund: 'FSE',
              amountCents: 100,
              cofinancing,
              ...(euCoFinancingRateBp === undefined ? {} : { euCoFinancingRateBp }),
            },
          ],
        },
        now,
      ),
      'INVALID_INPUT',
    );
  });

  it('refuses a programme without fund shares', async () => {
    await expectRefusal(given().when({ ...establish, funds: [] }, now), 'INVALID_INPUT');
  });

  it.each([0, -1, 10.5, Number.MAX_SAFE_INTEGER + 1])('refuses a fund amount of %p cents', async (amountCents) => {
    await expectRefusal(given().when({ ...establish, funds: [{ fund: 'FSE', amountCents }] }, now), 'INVALID_AMOUNT');
  });

  it('refuses an empty code or title', async () => {
    await expectRefusal(given().when({ ...establish, code: ' ' }, now), 'INVALID_INPUT');
    await expectRefusal(given().when({ ...establish, title: '' }, now), 'INVALID_INPUT');
  });
});

describe("a programme's eligibility period (Reg. (EU) 1303/2013 art. 65(2); 2021/1060 art. 63(2))", () => {
  const rulesOf = async (rules: EstablishProgramme['rules']) => {
    const [event] = await given().when({ ...establish, rules }, now);
    return (event as Extract<ProgrammeEvent, { type: 'ProgrammeEstablished' }>).data.rules;
  };

  it("is its programming period's when the programme does not state one", async () => {
    expect((await rulesOf(null)).eligibility).toEqual({ from: '2021-01-01', to: '2029-12-31' });
    expect((await rulesOf({ programmingPeriod: '2021-2027' })).eligibility).toEqual({
      from: '2021-01-01',
      to: '2029-12-31',
    });
    expect((await rulesOf({ programmingPeriod: '2014-2020' })).eligibility).toEqual({
      from: '2014-01-01',
      to: '2023-12-31',
    });
    expect(ELIGIBILITY_BY_PERIOD).toEqual({
      '2014-2020': { from: '2014-01-01', to: '2023-12-31' },
      '2021-2027': { from: '2021-01-01', to: '2029-12-31' },
    });
  });

  it('is the one the programme states, a real span of real days', async () => {
    expect(
      (await rulesOf({ programmingPeriod: '2014-2020', eligibility: { from: '2015-03-01', to: '2023-06-30' } }))
        .eligibility,
    ).toEqual({ from: '2015-03-01', to: '2023-06-30' });
    for (const eligibility of [
      { from: '2023-12-31', to: '2014-01-01' },
      { from: '2014-02-30', to: '2023-12-31' },
      { from: '2014-01-01', to: '31/12/2023' },
    ]) {
      await expectRefusal(given().when({ ...establish, rules: { eligibility } }, now), 'INVALID_INPUT');
    }
  });
});

describe('defining a measure', () => {
  it('records a measure on one of the programme funds', async () => {
    expect(await given(programmeEstablished).when(defineM1, now)).toEqual([
      { type: 'MeasureDefined', data: { ...m1, sensitive: false, priorityAxis: null, definedAt: now.toISOString() } },
    ]);
  });

  it('records the priority axis the measure sits under, and refuses one that is not a short text', async () => {
    expect(await given(programmeEstablished).when({ ...defineM1, priorityAxis: 'II' }, now)).toEqual([
      { type: 'MeasureDefined', data: { ...m1, sensitive: false, priorityAxis: 'II', definedAt: now.toISOString() } },
    ]);
    await expectRefusal(
      given(programmeEstablished).when({ ...defineM1, priorityAxis: 'x'.repeat(65) }, now),
      'INVALID_INPUT',
    );
  });

  it('accepts allocations that use up the fund exactly (invariant 1 is ≤)', async () => {
    // M4 has FSE 4M already: 11M more fills FSE's 15M.
    expect(
      await given(programmeEstablished, measureDefined).when({ ...defineM1, allocationCents: EUR(11_000_000) }, now),
    ).toHaveLength(1);
  });

  it('refuses an allocation above what is left of the fund (invariant 1)', async () => {
    await expectRefusal(
      given(programmeEstablished, measureDefined).when({ ...defineM1, allocationCents: EUR(11_000_000) + 1 }, now),
      'FUND_AMOUNT_EXCEEDED',
    );
  });

  it('refuses a measure on a fund the programme does not have', async () => {
    const fseOnly = {
      type: 'ProgrammeEstablished',
      data: {
        ...programmeEstablished.data,
        funds: [{ fund: 'FSE', amountCents: 100, euCoFinancingRateBp: null, cofinancing: null }],
      },
    } as ProgrammeEvent;
    await expectRefusal(
      given(fseOnly).when({ ...defineM1, fund: 'FESR', allocationCents: 1 }, now),
      'FUND_NOT_IN_PROGRAMME',
    );
  });

  it('refuses a measure of an unknown programme', async () => {
    await expectRefusal(given().when(defineM1, now), 'PROGRAMME_NOT_FOUND');
  });

  it('refuses a measure id used before', async () => {
    await expectRefusal(
      given(programmeEstablished, measureDefined).when({ ...defineM1, measureId: 'm4', code: 'M9' }, now),
      'MEASURE_ALREADY_DEFINED',
    );
  });

  it('treats ids that are names of a plain object (constructor, toString, __proto__) as ordinary ids', async () => {
    for (const measureId of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(await given(programmeEstablished).when({ ...defineM1, measureId }, now)).toHaveLength(1);
    }
  });

  it('refuses a measure code used before', async () => {
    await expectRefusal(
      given(programmeEstablished, measureDefined).when({ ...defineM1, code: 'M4' }, now),
      'MEASURE_CODE_TAKEN',
    );
  });

  it('refuses a zero allocation', async () => {
    await expectRefusal(given(programmeEstablished).when({ ...defineM1, allocationCents: 0 }, now), 'INVALID_AMOUNT');
  });
});

describe('measure reservations', () => {
  it('a reservation lowers what the measure has unreserved, and its release restores it', () => {
    const reserved = fold(PROGRAMME, programmeEstablished, measureDefined, budgetReserved);
    expect(measureUnreservedCents(requireMeasure(reserved, 'wecare', 'm4'))).toBe(EUR(1_500_000));
    const released = PROGRAMME.evolve(reserved, {
      type: 'MeasureReservationReleased',
      data: { programmeId: 'wecare', measureId: 'm4', callId: 'c1', amountCents: EUR(2_500_000), releasedAt: '' },
    });
    expect(measureUnreservedCents(requireMeasure(released, 'wecare', 'm4'))).toBe(EUR(4_000_000));
  });
});

describe('stating the co-financing of a fund share established without one', () => {
  const split = { euBp: 5000, nationalBp: 3500, regionalBp: 1500 };
  const state = (fields: Partial<StateCofinancing> = {}): StateCofinancing => ({
    type: 'StateCofinancing',
    programmeId: 'wecare',
    fund: 'FSE',
    cofinancing: split,
    ...fields,
  });

  it('records the split once, and the programme’s fund share carries it with its EU rate', async () => {
    const events = await given(programmeEstablished).when(state(), now);
    expect(events).toEqual([
      {
        type: 'FundCofinancingStated',
        data: { programmeId: 'wecare', fund: 'FSE', cofinancing: split, statedAt: now.toISOString() },
      },
    ]);
    const programme = fold(PROGRAMME, programmeEstablished, ...(events as ProgrammeEvent[]));
    expect(programme.status === 'established' && programme.funds.find((f) => f.fund === 'FSE')).toMatchObject({
      cofinancing: split,
      euCoFinancingRateBp: 5000,
    });
    await expectRefusal(given(programmeEstablished, ...events).when(state(), now), 'COFINANCING_ALREADY_STATED');
  });

  it('refuses a split that does not sum to 10000, one whose EU share is not the fund’s rate, and an unknown fund', async () => {
    await expectRefusal(
      given(programmeEstablished).when(state({ cofinancing: { ...split, regionalBp: 1 } }), now),
      'INVALID_INPUT',
    );
    const withRate = {
      type: 'ProgrammeEstablished',
      data: {
        ...programmeEstablished.data,
        funds: [{ fund: 'FSE', amountCents: 100, euCoFinancingRateBp: 4000, cofinancing: null }],
      },
    } as ProgrammeEvent;
    await expectRefusal(given(withRate).when(state(), now), 'INVALID_INPUT');
    await expectRefusal(given(withRate).when(state({ fund: 'FESR' }), now), 'FUND_NOT_IN_PROGRAMME');
    await expectRefusal(given().when(state(), now), 'PROGRAMME_NOT_FOUND');
  });
});
