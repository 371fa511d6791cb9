import { refuse } from '../domain-error.js';
import { DAY_FORMAT, assertText } from '../text.js';

/**
 * An administrative act ("determinazione dirigenziale", "decreto"): every decision on public money
 * is one, and a first-level control or an appeal looks for it by number, date and signatory. The
 * ranking, an award, a pass-over, a revocation, a recovery order and a write-off each cite theirs.
 */
export interface AdministrativeAct {
  /** The act's number as the administration writes it, e.g. "D.D. 998/2017". */
  readonly number: string;
  /** The day it was adopted, YYYY-MM-DD: an award's is the day the aid is granted. */
  readonly date: string;
  /** Who signed it (the manager's name, or name and office). */
  readonly signatory: string;
}

/**
 * The day `now` falls on where the administration sits: its acts are dated in Italian time, so an
 * act adopted at 00:30 in Rome is not "tomorrow" for a clock that reads 23:30 UTC.
 */
const ROME_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function dayInItaly(now: Date): string {
  return ROME_DAY.format(now);
}

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY_FORMAT.test(value)) return false;
  const day = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

/**
 * The act a decision cites, checked: number, date and signatory are required, and the act cannot be
 * dated after the command that records it (ACT_DATE_IN_FUTURE): the ledger records acts adopted,
 * never announced ones.
 */
export function checkedAct(act: AdministrativeAct | null | undefined, now: Date, what: string): AdministrativeAct {
  if (typeof act !== 'object' || act === null)
    refuse('INVALID_INPUT', `${what} is an administrative act: give its number, date and signatory`);
  assertText(act.number, `${what} act number`, 64);
  if (!isCalendarDate(act.date)) refuse('INVALID_INPUT', `The ${what} act's date must be a day YYYY-MM-DD`);
  assertText(act.signatory, `${what} act signatory`, 200);
  const today = dayInItaly(now);
  if (act.date > today)
    refuse('ACT_DATE_IN_FUTURE', `The ${what} act is dated ${act.date}, after today (${today})`, {
      actDate: act.date,
      today,
    });
  return { number: act.number.trim(), date: act.date, signatory: act.signatory.trim() };
}

/** Adds whole calendar days to a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  const at = new Date(`${day}T00:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}
