import type { Evolving } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { IrregularityEvent, IrregularityStatus } from './irregularity.events.js';

export type RecordedIrregularity = {
  readonly status: IrregularityStatus;
  readonly irregularityId: string;
  readonly grantId: string;
  readonly irregularAmountCents: Cents;
  readonly correctedCents: Cents;
  readonly recoveredCents: Cents;
};

/** An irregularity ("irregolarità"): its own stream, from its finding to the close of its follow-up. */
export type Irregularity = { readonly status: 'none' } | RecordedIrregularity;

export const IRREGULARITY: Evolving<Irregularity, IrregularityEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    switch (event.type) {
      case 'IrregularityRecorded':
        return {
          status: 'open',
          irregularityId: event.data.irregularityId,
          grantId: event.data.grantId,
          irregularAmountCents: event.data.irregularAmountCents,
          correctedCents: 0,
          recoveredCents: 0,
        };
      case 'IrregularityFollowedUp':
        if (state.status === 'none') return state;
        return {
          ...state,
          status: event.data.status,
          correctedCents: event.data.correctedCents,
          recoveredCents: event.data.recoveredCents,
        };
      default:
        return assertNever(event);
    }
  },
};

export function requireIrregularity(state: Irregularity, irregularityId: string): RecordedIrregularity {
  if (state.status === 'none') refuse('IRREGULARITY_NOT_FOUND', `Irregularity ${irregularityId} does not exist`);
  return state;
}

/** EUR 10,000 of EU contribution: above it an irregularity is reported to OLAF (Reg. (EU) 2015/1970 art. 3). */
export const OLAF_THRESHOLD_EU_CENTS: Cents = 1_000_000;

/** Reported to OLAF: above EUR 10,000 of EU contribution, or whatever its amount when fraud is suspected. */
export function reportableToOlaf(euCents: Cents, suspectedFraud: boolean): boolean {
  return suspectedFraud || euCents > OLAF_THRESHOLD_EU_CENTS;
}

/**
 * The last day to report an irregularity to OLAF: two months after the end of the calendar quarter
 * of its first written finding, that is the last day of the second month after the quarter's last
 * (a finding of 2026-02-10: the quarter ends 2026-03-31, the report is due by 2026-05-31; of
 * 2026-11-03: 2026-12-31, then 2027-02-28). Calendar arithmetic on the day's digits, no clock.
 */
export function olafReportingDeadline(firstWrittenFindingOn: string): string {
  const year = Number(firstWrittenFindingOn.slice(0, 4));
  const month = Number(firstWrittenFindingOn.slice(5, 7));
  const quarterEndMonth = Math.ceil(month / 3) * 3;
  const dueMonth = quarterEndMonth + 2;
  const dueYear = dueMonth > 12 ? year + 1 : year;
  const dueMonthOfYear = dueMonth > 12 ? dueMonth - 12 : dueMonth;
  return `${String(dueYear).padStart(4, '0')}-${String(dueMonthOfYear).padStart(2, '0')}-${String(daysInMonth(dueYear, dueMonthOfYear)).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
