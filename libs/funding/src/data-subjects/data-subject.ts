import type { Evolving } from '../command-plan.js';
import { assertNever, type Instant } from '../funding.types.js';
import type { DataSubjectEvent } from './data-subject.events.js';

/** A data subject as the log knows them: nothing but whether, and when, they were erased. */
export type DataSubject =
  { readonly status: 'none' } | { readonly status: 'erased'; readonly subjectId: string; readonly erasedAt: Instant };

export function evolveDataSubject(state: DataSubject, event: DataSubjectEvent): DataSubject {
  switch (event.type) {
    case 'DataSubjectErased':
      return { status: 'erased', subjectId: event.data.subjectId, erasedAt: event.data.erasedAt };
    default:
      return assertNever(event.type);
  }
}

export const DATA_SUBJECT: Evolving<DataSubject, DataSubjectEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveDataSubject,
};
