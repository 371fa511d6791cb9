import { refuse } from '../domain-error.js';
import type { ExistingGrant } from '../grants/grant.js';
import type { GrantPlace } from '../grants/grant.events.js';

export function grantPlace(grant: ExistingGrant): GrantPlace {
  return { grantId: grant.grantId, callId: grant.callId, programmeId: grant.programmeId, measureId: grant.measureId };
}

/** A calendar date, YYYY-MM-DD. */
export function assertDate(value: string, what: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) refuse('INVALID_INPUT', `${what} must be a date YYYY-MM-DD`);
  return value;
}
