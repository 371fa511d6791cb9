import type { Evolving } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever, type Fund } from '../funding.types.js';
import { sumCents, type Cents } from '../money.js';
import type { FundShare, ProgrammeEvent, ProgrammeRules } from './programme.events.js';

export interface Measure {
  readonly measureId: string;
  readonly code: string;
  readonly fund: Fund;
  readonly allocationCents: Cents;
  readonly sensitive: boolean;
  readonly priorityAxis: string | null;
  /** Budget reserved by calls that are open or closed, by call id. */
  readonly reservations: ReadonlyMap<string, Cents>;
}

export type EstablishedProgramme = {
  readonly status: 'established';
  readonly programmeId: string;
  readonly code: string;
  readonly funds: readonly FundShare[];
  readonly rules: ProgrammeRules;
  /** By measure id. A Map, so that no id (not even "constructor") can collide with an object's own names. */
  readonly measures: ReadonlyMap<string, Measure>;
};

/** A programme ("programma") and its measures: the stream that owns the fund shares and what calls reserve from them. */
export type Programme = { readonly status: 'none' } | EstablishedProgramme;

export function evolveProgramme(state: Programme, event: ProgrammeEvent): Programme {
  switch (event.type) {
    case 'ProgrammeEstablished':
      return {
        status: 'established',
        programmeId: event.data.programmeId,
        code: event.data.code,
        funds: event.data.funds,
        rules: event.data.rules,
        measures: new Map(),
      };
    case 'MeasureDefined': {
      if (state.status !== 'established') return state;
      const { measureId, code, fund, allocationCents, sensitive, priorityAxis } = event.data;
      return {
        ...state,
        measures: new Map(state.measures).set(measureId, {
          measureId,
          code,
          fund,
          allocationCents,
          sensitive,
          priorityAxis,
          reservations: new Map(),
        }),
      };
    }
    case 'MeasureBudgetReserved':
      return updateMeasure(state, event.data.measureId, (m) => ({
        ...m,
        reservations: new Map(m.reservations).set(event.data.callId, event.data.amountCents),
      }));
    case 'MeasureReservationReleased':
      return updateMeasure(state, event.data.measureId, (m) => {
        const reservations = new Map(m.reservations);
        reservations.delete(event.data.callId);
        return { ...m, reservations };
      });
    case 'FundCofinancingStated': {
      if (state.status !== 'established') return state;
      const { fund, cofinancing } = event.data;
      return {
        ...state,
        funds: state.funds.map((f) =>
          f.fund === fund ? { ...f, cofinancing, euCoFinancingRateBp: cofinancing.euBp } : f,
        ),
      };
    }
    default:
      return assertNever(event);
  }
}

export const PROGRAMME: Evolving<Programme, ProgrammeEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveProgramme,
};

/** Invariant 1: what the measures of a fund are allocated, together. */
export function fundAllocatedCents(programme: EstablishedProgramme, fund: Fund): Cents {
  return sumCents([...programme.measures.values()].filter((m) => m.fund === fund).map((m) => m.allocationCents));
}

export function measureReservedCents(measure: Measure): Cents {
  return sumCents(measure.reservations.values());
}

/** What new calls could still reserve from the measure (invariant 2). */
export function measureUnreservedCents(measure: Measure): Cents {
  return measure.allocationCents - measureReservedCents(measure);
}

export function requireProgramme(state: Programme, programmeId: string): EstablishedProgramme {
  if (state.status !== 'established') refuse('PROGRAMME_NOT_FOUND', `Programme ${programmeId} does not exist`);
  return state;
}

export function requireMeasure(state: Programme, programmeId: string, measureId: string): Measure {
  const measure = requireProgramme(state, programmeId).measures.get(measureId);
  if (!measure) refuse('MEASURE_NOT_FOUND', `Measure ${measureId} does not exist in programme ${programmeId}`);
  return measure;
}

function updateMeasure(state: Programme, measureId: string, change: (m: Measure) => Measure): Programme {
  if (state.status !== 'established') return state;
  const measure = state.measures.get(measureId);
  if (!measure) return state;
  return { ...state, measures: new Map(state.measures).set(measureId, change(measure)) };
}
