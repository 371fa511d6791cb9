import type { CallBudgetReleased } from '../calls/call.events.js';
import type { Instant } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { ExistingGrant } from './grant.js';
import type { GrantPlace } from './grant.events.js';

/** Where a grant's events stand: the grant, its call, its programme and its measure. */
export function grantPlace(grant: ExistingGrant): GrantPlace {
  return { grantId: grant.grantId, callId: grant.callId, programmeId: grant.programmeId, measureId: grant.measureId };
}

/** The budget a grant no longer holds, back to its call: one CallBudgetReleased, none when nothing is released. */
export function budgetReleasedToCall(
  grant: ExistingGrant,
  amountCents: Cents,
  cause: CallBudgetReleased['data']['cause'],
  releasedAt: Instant,
): CallBudgetReleased[] {
  if (!(amountCents > 0)) return [];
  return [
    {
      type: 'CallBudgetReleased',
      data: { callId: grant.callId, grantId: grant.grantId, amountCents, cause, releasedAt },
    },
  ];
}
