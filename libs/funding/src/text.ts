import { refuse } from './domain-error.js';

/** Names, titles and codes are required and bounded, so events stay small and readable. */
export const MAX_TEXT_LENGTH = 500;

export function assertText(value: string, what: string, maxLength = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string' || value.trim().length === 0) refuse('INVALID_INPUT', `${what} is required`);
  if (value.length > maxLength) refuse('INVALID_INPUT', `${what} is longer than ${maxLength} characters`);
  return value;
}
