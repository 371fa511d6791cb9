import { refuse } from '../domain-error.js';
import { DAY_FORMAT } from '../text.js';
import type { EligibilityPeriod } from './programme.events.js';

/** A calendar day, YYYY-MM-DD, that exists (2026-02-30 does not, though Date.parse takes it). */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY_FORMAT.test(value)) return false;
  const at = Date.parse(value);
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === value;
}

export function assertDay(value: unknown, what: string): string {
  if (!isDay(value)) refuse('INVALID_INPUT', `${what} must be a date YYYY-MM-DD`);
  return value;
}

/** The day (UTC) of an instant: what a YYYY-MM-DD date is compared with. */
export const dayOf = (instant: string | Date): string =>
  (typeof instant === 'string' ? new Date(instant) : instant).toISOString().slice(0, 10);

export function assertEligibilityPeriod(period: unknown): EligibilityPeriod {
  if (typeof period !== 'object' || period === null)
    refuse('INVALID_INPUT', 'An eligibility period has a first and a last day, { from, to }');
  const from = assertDay((period as Record<string, unknown>)['from'], 'eligibility.from');
  const to = assertDay((period as Record<string, unknown>)['to'], 'eligibility.to');
  if (to < from) refuse('INVALID_INPUT', `The eligibility period ends (${to}) before it starts (${from})`);
  return { from, to };
}

/** Whether a day falls inside a period, both ends included. */
export const withinPeriod = (day: string, period: EligibilityPeriod): boolean => day >= period.from && day <= period.to;

/** The days that are inside both periods (empty when `from` > `to`). */
export function overlap(a: EligibilityPeriod, b: EligibilityPeriod): EligibilityPeriod {
  return { from: a.from > b.from ? a.from : b.from, to: a.to < b.to ? a.to : b.to };
}

/**
 * An operation may be selected only inside its programme's eligibility period, and not once it was
 * completed before its application was submitted (Reg. (EU) 1303/2013 art. 65(2) and (6); Reg.
 * (EU) 2021/1060 art. 63(2) and (6)): it starts and ends inside the period, and ends on or after
 * the day its bid was submitted. OUTSIDE_ELIGIBILITY_PERIOD or OPERATION_COMPLETED_BEFORE_APPLICATION.
 */
export function assertOperationEligible(
  operation: { readonly plannedStartDate: string; readonly plannedEndDate: string },
  eligibility: EligibilityPeriod,
  submittedOn: string,
): void {
  const { plannedStartDate, plannedEndDate } = operation;
  if (!withinPeriod(plannedStartDate, eligibility) || !withinPeriod(plannedEndDate, eligibility)) {
    refuse(
      'OUTSIDE_ELIGIBILITY_PERIOD',
      `The operation runs ${plannedStartDate} to ${plannedEndDate}, outside the programme's eligibility period ${eligibility.from} to ${eligibility.to}`,
      { plannedStartDate, plannedEndDate, eligibleFrom: eligibility.from, eligibleTo: eligibility.to },
    );
  }
  if (plannedEndDate < submittedOn) {
    refuse(
      'OPERATION_COMPLETED_BEFORE_APPLICATION',
      `The operation ends ${plannedEndDate}, before its application was submitted on ${submittedOn}: it cannot be selected`,
      {
        plannedEndDate,
        submittedOn,
      },
    );
  }
}
