import type { Evolving } from '../command-plan.js';
import { assertNever } from '../funding.types.js';
import type { CupEvent } from './grant.events.js';

/** A CUP (Codice Unico di Progetto): a letter, two digits, a letter, eleven digits, e.g. J11B17000270009. */
export const CUP_FORMAT = /^[A-Z][0-9]{2}[A-Z][0-9]{11}$/;

/** A CUP's stream: which grant holds it, if any. */
export type Cup = { readonly grantId: string | null };

export const CUP: Evolving<Cup, CupEvent> = {
  initialState: () => ({ grantId: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'CupAssigned':
        return { grantId: event.data.grantId };
      default:
        return assertNever(event.type);
    }
  },
};
