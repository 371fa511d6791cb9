import { refuse } from '../domain-error.js';
import { DAY_FORMAT } from '../text.js';
import type { ExistingGrant } from '../grants/grant.js';
import type { GrantPlace } from '../grants/grant.events.js';

export function grantPlace(grant: ExistingGrant): GrantPlace {
  return { grantId: grant.grantId, callId: grant.callId, programmeId: grant.programmeId, measureId: grant.measureId };
}

/** A calendar date, YYYY-MM-DD. */
export function assertDate(value: string, what: string): string {
  if (typeof value !== 'string' || !DAY_FORMAT.test(value) || Number.isNaN(Date.parse(value)))
    refuse('INVALID_INPUT', `${what} must be a date YYYY-MM-DD`);
  return value;
}
