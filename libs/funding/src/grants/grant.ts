import type { Evolving } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { assertNever, type AidRegime } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { GrantEvent } from './grant.events.js';

export const GRANT_STATUSES = ['active', 'completed', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export type ExistingGrant = {
  readonly status: GrantStatus;
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  /** The principal that submitted the bid: the beneficiary's channel. */
  readonly submittedBy: string;
  readonly cup: string;
  readonly aidRegime: AidRegime;
  readonly programmeId: string;
  readonly measureId: string;
  /** The award as first made. */
  readonly originalAwardCents: Cents;
  /** The award now: the original less every partial revocation. */
  readonly currentAwardCents: Cents;
  readonly paidCents: Cents;
  /** Everything this grant has handed back to its call. */
  readonly releasedCents: Cents;
  readonly recoveryDueCents: Cents;
  readonly disbursementIds: readonly string[];
};

/** A grant ("contributo concesso"): the stream that owns its payments (invariant 5). */
export type Grant = { readonly status: 'none' } | ExistingGrant;

export function evolveGrant(state: Grant, event: GrantEvent): Grant {
  switch (event.type) {
    case 'GrantAwarded': {
      const d = event.data;
      return {
        status: 'active',
        grantId: d.grantId,
        callId: d.callId,
        bidId: d.bidId,
        submittedBy: d.submittedBy,
        cup: d.cup,
        aidRegime: d.aidRegime,
        programmeId: d.programmeId,
        measureId: d.measureId,
        originalAwardCents: d.amountCents,
        currentAwardCents: d.amountCents,
        paidCents: 0,
        releasedCents: 0,
        recoveryDueCents: 0,
        disbursementIds: [],
      };
    }
    case 'DisbursementRecorded':
      return state.status === 'none'
        ? state
        : { ...state, paidCents: state.paidCents + event.data.amountCents, disbursementIds: [...state.disbursementIds, event.data.disbursementId] };
    case 'GrantCompleted':
      return state.status === 'none' ? state : { ...state, status: 'completed', releasedCents: state.releasedCents + event.data.releasedCents };
    case 'GrantRevoked':
      return state.status === 'none'
        ? state
        : {
            ...state,
            status: event.data.whole ? 'revoked' : state.status,
            currentAwardCents: event.data.awardAfterCents,
            releasedCents: state.releasedCents + event.data.releasedCents,
            recoveryDueCents: event.data.recoveryDueCents,
          };
    default:
      return assertNever(event);
  }
}

export const GRANT: Evolving<Grant, GrantEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveGrant,
};

/**
 * The part of the call's budget a grant still holds. An active grant holds its current award (or
 * what it already paid, if a partial revocation cut the award below that); a completed or revoked
 * grant holds only what was paid. Every change of this figure is released to the call exactly once
 * (invariant 6).
 */
export function heldCents(grant: Pick<ExistingGrant, 'status' | 'currentAwardCents' | 'paidCents'>): Cents {
  return grant.status === 'active' ? Math.max(grant.currentAwardCents, grant.paidCents) : grant.paidCents;
}

export function requireGrant(state: Grant, grantId: string): ExistingGrant {
  if (state.status === 'none') refuse('GRANT_NOT_FOUND', `Grant ${grantId} does not exist`);
  return state;
}
