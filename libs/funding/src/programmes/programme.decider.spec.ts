import { describe, expect, it } from '@jest/globals';
import {
  EUR,
  budgetReserved,
  expectRefusal,
  fold,
  measureDefined,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { decide, evolve, initialProgramme, measureAvailableCents, type ProgrammeCommand } from './programme.decider.js';
import type { ProgrammeEvent } from './programme.events.js';

const now = new Date('2017-05-22T10:00:00.000Z');
const given = (...events: ProgrammeEvent[]) => fold(evolve, initialProgramme, events);

const establish: ProgrammeCommand = {
  type: 'EstablishProgramme',
  programmeId: 'wecare',
  code: 'WECARE',
  title: 'Welfare Cantiere Regionale',
  funds: [
    { fund: 'FSE', amountCents: EUR(15_000_000) },
    { fund: 'FESR', amountCents: EUR(5_000_000) },
  ],
};

const defineM1: ProgrammeCommand = {
  type: 'DefineMeasure',
  programmeId: 'wecare',
  measureId: 'm1',
  code: 'M1',
  title: 'Territorial welfare experiments',
  fund: 'FSE',
  allocationCents: EUR(6_400_000),
};

describe('establishing a programme', () => {
  it('records the programme with its fund shares and the time the command carries', () => {
    expect(decide(establish, given(), now)).toEqual([programmeEstablished]);
  });

  it('refuses a programme that already exists', () => {
    expectRefusal(() => decide(establish, given(programmeEstablished), now), 'PROGRAMME_ALREADY_ESTABLISHED');
  });

  it('refuses a fund named twice', () => {
    const funds = [
      { fund: 'FSE' as const, amountCents: 100 },
      { fund: 'FSE' as const, amountCents: 200 },
    ];
    expectRefusal(() => decide({ ...establish, funds }, given(), now), 'DUPLICATE_FUND');
  });

  it('refuses a programme without fund shares', () => {
    expectRefusal(() => decide({ ...establish, funds: [] }, given(), now), 'INVALID_INPUT');
  });

  it.each([0, -1, 10.5, Number.MAX_SAFE_INTEGER + 1])('refuses a fund amount of %p cents', (amountCents) => {
    expectRefusal(
      () => decide({ ...establish, funds: [{ fund: 'FSE', amountCents }] }, given(), now),
      'INVALID_AMOUNT',
    );
  });

  it('refuses an empty code or title', () => {
    expectRefusal(() => decide({ ...establish, code: ' ' }, given(), now), 'INVALID_INPUT');
    expectRefusal(() => decide({ ...establish, title: '' }, given(), now), 'INVALID_INPUT');
  });
});

describe('defining a measure', () => {
  it('records a measure on one of the programme funds', () => {
    const [event] = decide(defineM1, given(programmeEstablished), now);
    expect(event).toEqual({
      type: 'MeasureDefined',
      data: {
        programmeId: 'wecare',
        measureId: 'm1',
        code: 'M1',
        title: 'Territorial welfare experiments',
        fund: 'FSE',
        allocationCents: EUR(6_400_000),
        definedAt: now.toISOString(),
      },
    });
  });

  it('accepts allocations that use up the fund exactly (invariant 1 is ≤)', () => {
    const state = given(programmeEstablished, measureDefined); // M4: FSE 4M
    const rest = { ...defineM1, allocationCents: EUR(11_000_000) };
    expect(decide(rest, state, now)).toHaveLength(1);
  });

  it('refuses an allocation above what is left of the fund (invariant 1)', () => {
    const state = given(programmeEstablished, measureDefined); // FSE 15M, 4M allocated
    const tooMuch = { ...defineM1, allocationCents: EUR(11_000_000) + 1 };
    expectRefusal(() => decide(tooMuch, state, now), 'FUND_AMOUNT_EXCEEDED');
  });

  it('refuses a measure on a fund the programme does not have', () => {
    const fsOnly = given({
      type: 'ProgrammeEstablished',
      data: { ...programmeEstablished.data, funds: [{ fund: 'FSE', amountCents: 100 }] },
    } as ProgrammeEvent);
    expectRefusal(() => decide({ ...defineM1, fund: 'FESR', allocationCents: 1 }, fsOnly, now), 'FUND_NOT_IN_PROGRAMME');
  });

  it('refuses a measure of an unknown programme', () => {
    expectRefusal(() => decide(defineM1, given(), now), 'PROGRAMME_NOT_FOUND');
  });

  it('refuses a measure id used before', () => {
    const state = given(programmeEstablished, measureDefined);
    expectRefusal(() => decide({ ...defineM1, measureId: 'm4', code: 'M9' }, state, now), 'MEASURE_ALREADY_DEFINED');
  });

  it('refuses a measure code used before', () => {
    const state = given(programmeEstablished, measureDefined);
    expectRefusal(() => decide({ ...defineM1, code: 'M4' }, state, now), 'MEASURE_CODE_TAKEN');
  });

  it('refuses a zero allocation', () => {
    expectRefusal(() => decide({ ...defineM1, allocationCents: 0 }, given(programmeEstablished), now), 'INVALID_AMOUNT');
  });
});

describe('measure reservations', () => {
  it('a reservation lowers what the measure has available, and its release restores it', () => {
    const reserved = given(programmeEstablished, measureDefined, budgetReserved);
    const measure = reserved.status === 'established' ? reserved.measures['m4'] : undefined;
    expect(measure && measureAvailableCents(measure)).toBe(EUR(1_500_000));

    const released = evolve(reserved, {
      type: 'MeasureReservationReleased',
      data: { programmeId: 'wecare', measureId: 'm4', callId: 'c1', amountCents: EUR(2_500_000), releasedAt: '' },
    });
    const after = released.status === 'established' ? released.measures['m4'] : undefined;
    expect(after && measureAvailableCents(after)).toBe(EUR(4_000_000));
  });
});
