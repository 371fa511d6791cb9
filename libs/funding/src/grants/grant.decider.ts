import { awardBid, requireBid, type Bid } from '../bids/bid.decider.js';
import type { BidEvent } from '../bids/bid.events.js';
import { commitCallBudget, releaseCallBudget, requireCall, type Call } from '../calls/call.decider.js';
import type { CallEvent } from '../calls/call.events.js';
import { refuse } from '../domain-error.js';
import { DISBURSEMENT_KINDS, assertNever, instant, type DisbursementKind } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { assertText } from '../text.js';
import type { GrantEvent } from './grant.events.js';

export type GrantStatus = 'active' | 'completed' | 'revoked';

export type ExistingGrant = {
  readonly status: GrantStatus;
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  readonly awardedCents: Cents;
  /** The award after any partial revocation. */
  readonly awardCents: Cents;
  readonly paidCents: Cents;
  /** Everything this grant has handed back to its call. */
  readonly releasedCents: Cents;
  readonly recoveryDueCents: Cents;
  readonly disbursementIds: readonly string[];
};

export type Grant = { readonly status: 'none' } | ExistingGrant;

export type AwardGrant = {
  readonly type: 'AwardGrant';
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  readonly amountCents: Cents;
};

export type RecordDisbursement = {
  readonly type: 'RecordDisbursement';
  readonly grantId: string;
  readonly disbursementId: string;
  readonly kind: DisbursementKind;
  readonly amountCents: Cents;
  readonly reference?: string | null;
};

export type RevokeGrant = {
  readonly type: 'RevokeGrant';
  readonly grantId: string;
  readonly reason: string;
  /** Absent: the whole grant. */
  readonly amountCents?: Cents | null;
};

export type GrantCommand = AwardGrant | RecordDisbursement | RevokeGrant;

/**
 * An award writes three streams (call commitment, bid, grant); a revocation or a final payment
 * writes the grant and, when budget is released, the call. Each list goes to its own stream,
 * all appended atomically with the expected revision each was decided on.
 */
export interface GrantDecision {
  readonly grant: GrantEvent[];
  readonly call: CallEvent[];
  readonly bid: BidEvent[];
}

export const initialGrant: Grant = { status: 'none' };

export function decide(
  command: GrantCommand,
  state: { grant: Grant; call: Call; bid: Bid },
  now: Date,
): GrantDecision {
  switch (command.type) {
    case 'AwardGrant':
      return award(command, state, now);
    case 'RecordDisbursement':
      return disburse(command, state.grant, now);
    case 'RevokeGrant':
      return revoke(command, state.grant, now);
    default:
      return assertNever(command);
  }
}

function award(command: AwardGrant, state: { grant: Grant; call: Call; bid: Bid }, now: Date): GrantDecision {
  if (state.grant.status !== 'none') refuse('GRANT_ALREADY_EXISTS', `Grant ${command.grantId} already exists`);
  assertPositiveCents(command.amountCents, 'award amount');
  const call = requireCall(state.call, command.callId);
  const bid = requireBid(state.bid, command.bidId);
  const bidEvents = awardBid(
    state.bid,
    { bidId: bid.bidId, callId: call.callId, grantId: command.grantId, amountCents: command.amountCents },
    now,
  );
  const callEvents = commitCallBudget(
    state.call,
    { callId: call.callId, grantId: command.grantId, bidId: bid.bidId, amountCents: command.amountCents },
    now,
  );
  return {
    bid: bidEvents,
    call: callEvents,
    grant: [
      {
        type: 'GrantAwarded',
        data: {
          grantId: command.grantId,
          callId: call.callId,
          bidId: bid.bidId,
          programmeId: call.programmeId,
          measureId: call.measureId,
          fund: call.fund,
          beneficiary: bid.applicant,
          projectTitle: bid.projectTitle,
          amountCents: command.amountCents,
          awardedAt: instant(now),
        },
      },
    ],
  };
}

function disburse(command: RecordDisbursement, state: Grant, now: Date): GrantDecision {
  const grant = requireGrant(state, command.grantId);
  if (grant.status !== 'active') refuse('GRANT_NOT_ACTIVE', `Grant ${grant.grantId} is ${grant.status}; nothing more is paid`);
  if (!DISBURSEMENT_KINDS.includes(command.kind)) refuse('INVALID_INPUT', `Unknown disbursement kind ${String(command.kind)}`);
  if (grant.disbursementIds.includes(command.disbursementId)) {
    refuse('DISBURSEMENT_ALREADY_RECORDED', `Disbursement ${command.disbursementId} is already recorded`);
  }
  // A final payment may be zero: it closes a grant whose tranches already paid everything due.
  if (command.kind === 'final' && command.amountCents === 0) {
    // allowed
  } else {
    assertPositiveCents(command.amountCents, 'disbursement amount');
  }
  const reference = command.reference ?? null;
  if (reference !== null) assertText(reference, 'payment reference', 200);
  const paidAfter = grant.paidCents + command.amountCents;
  if (paidAfter > grant.awardCents) {
    refuse(
      'DISBURSEMENT_EXCEEDS_GRANT',
      `Grant ${grant.grantId} can pay ${Math.max(0, grant.awardCents - grant.paidCents)} cents more, ` +
        `disbursement asks for ${command.amountCents}`,
    );
  }
  const at = instant(now);
  const events: GrantEvent[] = [
    {
      type: 'DisbursementRecorded',
      data: {
        grantId: grant.grantId,
        callId: grant.callId,
        disbursementId: command.disbursementId,
        kind: command.kind,
        amountCents: command.amountCents,
        reference,
        paidAt: at,
      },
    },
  ];
  if (command.kind !== 'final') return { grant: events, call: [], bid: [] };

  const releasedCents = heldCents(grant) - paidAfter;
  events.push({
    type: 'GrantCompleted',
    data: { grantId: grant.grantId, callId: grant.callId, paidCents: paidAfter, releasedCents, completedAt: at },
  });
  return {
    grant: events,
    call: releaseCallBudget({ callId: grant.callId, grantId: grant.grantId, amountCents: releasedCents, cause: 'completion' }, now),
    bid: [],
  };
}

function revoke(command: RevokeGrant, state: Grant, now: Date): GrantDecision {
  const grant = requireGrant(state, command.grantId);
  if (grant.status === 'revoked') refuse('GRANT_ALREADY_REVOKED', `Grant ${grant.grantId} is already revoked`);
  assertText(command.reason, 'revocation reason');
  const requested = command.amountCents ?? null;
  if (requested !== null) {
    assertPositiveCents(requested, 'revoked amount');
    if (requested > grant.awardCents) {
      refuse('REVOCATION_EXCEEDS_AWARD', `Grant ${grant.grantId} has an award of ${grant.awardCents} cents`);
    }
  }
  const revokedCents = requested ?? grant.awardCents;
  const whole = revokedCents === grant.awardCents;
  const awardAfterCents = grant.awardCents - revokedCents;
  const after: ExistingGrant = { ...grant, status: whole ? 'revoked' : grant.status, awardCents: awardAfterCents };
  const releasedCents = heldCents(grant) - heldCents(after);
  const recoveryDueCents = Math.max(0, grant.paidCents - awardAfterCents);
  return {
    grant: [
      {
        type: 'GrantRevoked',
        data: {
          grantId: grant.grantId,
          callId: grant.callId,
          reason: command.reason,
          whole,
          revokedCents,
          awardAfterCents,
          releasedCents,
          recoveryDueCents,
          revokedAt: instant(now),
        },
      },
    ],
    call: releaseCallBudget({ callId: grant.callId, grantId: grant.grantId, amountCents: releasedCents, cause: 'revocation' }, now),
    bid: [],
  };
}

/**
 * The part of the call's budget a grant still holds. An active grant holds its award (or what it
 * already paid, if a partial revocation cut the award below that); a completed or revoked grant
 * holds only what was paid. Every change of this figure is released to the call exactly once.
 */
export function heldCents(grant: ExistingGrant): Cents {
  return grant.status === 'active' ? Math.max(grant.awardCents, grant.paidCents) : grant.paidCents;
}

export function evolve(state: Grant, event: GrantEvent): Grant {
  switch (event.type) {
    case 'GrantAwarded': {
      const d = event.data;
      return {
        status: 'active',
        grantId: d.grantId,
        callId: d.callId,
        bidId: d.bidId,
        awardedCents: d.amountCents,
        awardCents: d.amountCents,
        paidCents: 0,
        releasedCents: 0,
        recoveryDueCents: 0,
        disbursementIds: [],
      };
    }
    case 'DisbursementRecorded':
      return state.status === 'none'
        ? state
        : {
            ...state,
            paidCents: state.paidCents + event.data.amountCents,
            disbursementIds: [...state.disbursementIds, event.data.disbursementId],
          };
    case 'GrantCompleted':
      return state.status === 'none'
        ? state
        : { ...state, status: 'completed', releasedCents: state.releasedCents + event.data.releasedCents };
    case 'GrantRevoked':
      return state.status === 'none'
        ? state
        : {
            ...state,
            status: event.data.whole ? 'revoked' : state.status,
            awardCents: event.data.awardAfterCents,
            releasedCents: state.releasedCents + event.data.releasedCents,
            recoveryDueCents: event.data.recoveryDueCents,
          };
    default:
      return assertNever(event);
  }
}

export function requireGrant(state: Grant, grantId: string): ExistingGrant {
  if (state.status === 'none') refuse('GRANT_NOT_FOUND', `Grant ${grantId} does not exist`);
  return state;
}
