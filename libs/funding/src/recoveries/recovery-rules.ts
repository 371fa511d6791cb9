import { refuse } from '../domain-error.js';
import { DAY_FORMAT } from '../text.js';

/** A calendar date, YYYY-MM-DD. */
export function assertDate(value: string, what: string): string {
  if (typeof value !== 'string' || !DAY_FORMAT.test(value) || Number.isNaN(Date.parse(value)))
    refuse('INVALID_INPUT', `${what} must be a date YYYY-MM-DD`);
  return value;
}
