import { isCalendarDate } from '../acts/administrative-act.js';
import { refuse } from '../domain-error.js';

/**
 * An accounting year of the funds (Reg. (EU) 1303/2013 art. 2(29); 2021/1060 art. 2(29)): 1 July
 * to 30 June, written as its two calendar years, "2025-2026".
 */
export interface AccountingYear {
  readonly label: string;
  /** YYYY-MM-DD, both included. */
  readonly from: string;
  readonly to: string;
}

const LABEL = /^(\d{4})-(\d{4})$/;

export function accountingYear(label: string): AccountingYear {
  const match = typeof label === 'string' ? LABEL.exec(label) : null;
  const first = match ? Number(match[1]) : NaN;
  if (!match || Number(match[2]) !== first + 1 || first < 2000 || first > 2100)
    refuse(
      'INVALID_INPUT',
      `An accounting year is written "2025-2026" (1 July 2025 to 30 June 2026), got ${String(label)}`,
    );
  return { label, from: `${first}-07-01`, to: `${first + 1}-06-30` };
}

/**
 * The accounting year a day (YYYY-MM-DD) falls in. Never refuses: a read model places whatever day
 * an event recorded, however far from the programme's years.
 */
export function accountingYearOf(day: string): AccountingYear {
  const year = Number(day.slice(0, 4));
  const first = day.slice(5) >= '07-01' ? year : year - 1;
  const pad = (n: number) => String(n).padStart(4, '0');
  return { label: `${pad(first)}-${pad(first + 1)}`, from: `${pad(first)}-07-01`, to: `${pad(first + 1)}-06-30` };
}

/** A real day, YYYY-MM-DD, named `what` in the refusal. */
export function assertDay(value: unknown, what: string): string {
  if (!isCalendarDate(value)) refuse('INVALID_INPUT', `${what} must be a day YYYY-MM-DD`);
  return value;
}
