import { refuse } from '../domain-error.js';
import { assertNever, instant, type Fund } from '../funding.types.js';
import { assertPositiveCents, sumCents, type Cents } from '../money.js';
import { assertText } from '../text.js';
import type { FundShare, ProgrammeEvent } from './programme.events.js';

export interface Measure {
  readonly measureId: string;
  readonly code: string;
  readonly fund: Fund;
  readonly allocationCents: Cents;
  /** Budget reserved by calls that are open or closed, keyed by call id. */
  readonly reservations: Readonly<Record<string, Cents>>;
}

export type Programme =
  | { readonly status: 'none' }
  | {
      readonly status: 'established';
      readonly programmeId: string;
      readonly code: string;
      readonly funds: readonly FundShare[];
      readonly measures: Readonly<Record<string, Measure>>;
    };

export type EstablishProgramme = {
  readonly type: 'EstablishProgramme';
  readonly programmeId: string;
  readonly code: string;
  readonly title: string;
  readonly funds: readonly FundShare[];
};

export type DefineMeasure = {
  readonly type: 'DefineMeasure';
  readonly programmeId: string;
  readonly measureId: string;
  readonly code: string;
  readonly title: string;
  readonly fund: Fund;
  readonly allocationCents: Cents;
};

export type ProgrammeCommand = EstablishProgramme | DefineMeasure;

export const initialProgramme: Programme = { status: 'none' };

export function decide(command: ProgrammeCommand, state: Programme, now: Date): ProgrammeEvent[] {
  switch (command.type) {
    case 'EstablishProgramme':
      return establish(command, state, now);
    case 'DefineMeasure':
      return defineMeasure(command, state, now);
    default:
      return assertNever(command);
  }
}

function establish(command: EstablishProgramme, state: Programme, now: Date): ProgrammeEvent[] {
  if (state.status !== 'none') {
    refuse('PROGRAMME_ALREADY_ESTABLISHED', `Programme ${command.programmeId} is already established`);
  }
  assertText(command.code, 'programme code');
  assertText(command.title, 'programme title');
  if (command.funds.length === 0) refuse('INVALID_INPUT', 'A programme needs at least one fund share');
  const seen = new Set<Fund>();
  for (const share of command.funds) {
    if (seen.has(share.fund)) refuse('DUPLICATE_FUND', `Fund ${share.fund} appears more than once`);
    seen.add(share.fund);
    assertPositiveCents(share.amountCents, `${share.fund} amount`);
  }
  return [
    {
      type: 'ProgrammeEstablished',
      data: {
        programmeId: command.programmeId,
        code: command.code,
        title: command.title,
        funds: command.funds.map(({ fund, amountCents }) => ({ fund, amountCents })),
        establishedAt: instant(now),
      },
    },
  ];
}

function defineMeasure(command: DefineMeasure, state: Programme, now: Date): ProgrammeEvent[] {
  const programme = requireProgramme(state, command.programmeId);
  if (programme.measures[command.measureId]) {
    refuse('MEASURE_ALREADY_DEFINED', `Measure ${command.measureId} is already defined`);
  }
  assertText(command.code, 'measure code');
  assertText(command.title, 'measure title');
  if (Object.values(programme.measures).some((m) => m.code === command.code)) {
    refuse('MEASURE_CODE_TAKEN', `Measure code ${command.code} is already used in this programme`);
  }
  assertPositiveCents(command.allocationCents, 'measure allocation');
  const share = programme.funds.find((f) => f.fund === command.fund);
  if (!share) refuse('FUND_NOT_IN_PROGRAMME', `Programme has no ${command.fund} share`);
  const allocated = fundAllocatedCents(state, command.fund);
  if (allocated + command.allocationCents > share.amountCents) {
    refuse(
      'FUND_AMOUNT_EXCEEDED',
      `${command.fund} has ${share.amountCents - allocated} cents unallocated, ` +
        `measure asks for ${command.allocationCents}`,
    );
  }
  return [
    {
      type: 'MeasureDefined',
      data: {
        programmeId: command.programmeId,
        measureId: command.measureId,
        code: command.code,
        title: command.title,
        fund: command.fund,
        allocationCents: command.allocationCents,
        definedAt: instant(now),
      },
    },
  ];
}

/**
 * Reserving a call's budget from its measure. Not a command of its own: opening a call
 * decides it together with CallOpened so both streams are appended atomically.
 */
export function reserveMeasureBudget(
  state: Programme,
  reservation: { programmeId: string; measureId: string; callId: string; amountCents: Cents },
  now: Date,
): ProgrammeEvent[] {
  const measure = requireMeasure(state, reservation.programmeId, reservation.measureId);
  const available = measureAvailableCents(measure);
  if (reservation.amountCents > available) {
    refuse(
      'MEASURE_ALLOCATION_EXCEEDED',
      `Measure ${measure.code} has ${available} cents unreserved, call asks for ${reservation.amountCents}`,
    );
  }
  return [{ type: 'MeasureBudgetReserved', data: { ...reservation, reservedAt: instant(now) } }];
}

export function releaseMeasureReservation(
  state: Programme,
  release: { programmeId: string; measureId: string; callId: string },
  now: Date,
): ProgrammeEvent[] {
  const measure = requireMeasure(state, release.programmeId, release.measureId);
  const amountCents = measure.reservations[release.callId];
  if (amountCents === undefined) return [];
  return [
    {
      type: 'MeasureReservationReleased',
      data: { ...release, amountCents, releasedAt: instant(now) },
    },
  ];
}

export function evolve(state: Programme, event: ProgrammeEvent): Programme {
  switch (event.type) {
    case 'ProgrammeEstablished':
      return {
        status: 'established',
        programmeId: event.data.programmeId,
        code: event.data.code,
        funds: event.data.funds,
        measures: {},
      };
    case 'MeasureDefined': {
      if (state.status !== 'established') return state;
      const { measureId, code, fund, allocationCents } = event.data;
      return {
        ...state,
        measures: { ...state.measures, [measureId]: { measureId, code, fund, allocationCents, reservations: {} } },
      };
    }
    case 'MeasureBudgetReserved':
      return updateMeasure(state, event.data.measureId, (m) => ({
        ...m,
        reservations: { ...m.reservations, [event.data.callId]: event.data.amountCents },
      }));
    case 'MeasureReservationReleased':
      return updateMeasure(state, event.data.measureId, (m) => {
        const { [event.data.callId]: _released, ...rest } = m.reservations;
        return { ...m, reservations: rest };
      });
    default:
      return assertNever(event);
  }
}

export function fundAllocatedCents(state: Programme, fund: Fund): Cents {
  if (state.status !== 'established') return 0;
  return sumCents(
    Object.values(state.measures)
      .filter((m) => m.fund === fund)
      .map((m) => m.allocationCents),
  );
}

export function measureReservedCents(measure: Measure): Cents {
  return sumCents(Object.values(measure.reservations));
}

export function measureAvailableCents(measure: Measure): Cents {
  return measure.allocationCents - measureReservedCents(measure);
}

export function requireProgramme(state: Programme, programmeId: string) {
  if (state.status !== 'established') refuse('PROGRAMME_NOT_FOUND', `Programme ${programmeId} does not exist`);
  return state;
}

export function requireMeasure(state: Programme, programmeId: string, measureId: string): Measure {
  const programme = requireProgramme(state, programmeId);
  const measure = programme.measures[measureId];
  if (!measure) refuse('MEASURE_NOT_FOUND', `Measure ${measureId} does not exist in programme ${programmeId}`);
  return measure;
}

function updateMeasure(state: Programme, measureId: string, change: (m: Measure) => Measure): Programme {
  if (state.status !== 'established') return state;
  const measure = state.measures[measureId];
  if (!measure) return state;
  return { ...state, measures: { ...state.measures, [measureId]: change(measure) } };
}
