import { refuse } from './domain-error.js';

/** Names, titles and codes are required and bounded, so events stay small and readable. */
export const MAX_TEXT_LENGTH = 500;

/** A day written YYYY-MM-DD (ISO 8601): an act's date, an operation's dates, a due or value date. */
export const DAY_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

export function assertText(value: string, what: string, maxLength = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string' || value.trim().length === 0) refuse('INVALID_INPUT', `${what} is required`);
  if (value.length > maxLength) refuse('INVALID_INPUT', `${what} is longer than ${maxLength} characters`);
  return value;
}
