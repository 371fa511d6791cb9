import type { Evolving } from '../command-plan.js';
import { assertNever, type Applicant, type Instant } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { UndertakingEvent } from './undertaking.events.js';

/** An undertaking's key: a legal person's tax code (upper case), or a natural person's subject id. */
export const UNDERTAKING_KEY = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

export function undertakingKey(applicant: Applicant): string {
  return applicant.kind === 'natural-person' ? applicant.subjectId : applicant.taxCode.toUpperCase();
}

/** The de minimis aid this ledger granted to an undertaking, or to one linked to it. */
export type Undertaking = {
  readonly aid: ReadonlyArray<{
    readonly grantId: string;
    readonly amountCents: Cents;
    readonly grantDate: string;
    readonly awardedAt: Instant;
  }>;
};

export function evolveUndertaking(state: Undertaking, event: UndertakingEvent): Undertaking {
  switch (event.type) {
    case 'DeMinimisAidRecorded':
      return {
        aid: [
          ...state.aid,
          {
            grantId: event.data.grantId,
            amountCents: event.data.amountCents,
            grantDate: event.data.grantDate,
            awardedAt: event.data.awardedAt,
          },
        ],
      };
    default:
      return assertNever(event.type);
  }
}

export const UNDERTAKING: Evolving<Undertaking, UndertakingEvent> = {
  initialState: () => ({ aid: [] }),
  evolve: evolveUndertaking,
};
