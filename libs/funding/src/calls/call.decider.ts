import { refuse } from '../domain-error.js';
import { APPLICANT_TYPES, assertNever, instant, type ApplicantType, type Fund, type Instant } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import {
  releaseMeasureReservation,
  requireMeasure,
  reserveMeasureBudget,
  type Programme,
} from '../programmes/programme.decider.js';
import type { ProgrammeEvent } from '../programmes/programme.events.js';
import { assertText } from '../text.js';
import type { CallEvent } from './call.events.js';

export type CallStatus = 'open' | 'closed' | 'cancelled';

export type ExistingCall = {
  readonly status: CallStatus;
  readonly callId: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly fund: Fund;
  readonly budgetCents: Cents;
  readonly opensAt: Instant;
  readonly closesAt: Instant;
  readonly eligibleApplicantTypes: readonly ApplicantType[];
  readonly maxGrantCents: Cents | null;
  /** Sum of every award ever committed from this call. */
  readonly committedCents: Cents;
  /** Sum of every amount returned to this call by revocations and completions. */
  readonly releasedCents: Cents;
  readonly grantCount: number;
};

export type Call = { readonly status: 'none' } | ExistingCall;

export type OpenCall = {
  readonly type: 'OpenCall';
  readonly callId: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly title: string;
  readonly budgetCents: Cents;
  readonly opensAt: Instant;
  readonly closesAt: Instant;
  readonly eligibleApplicantTypes: readonly ApplicantType[];
  readonly maxGrantCents?: Cents | null;
};

export type CloseCall = { readonly type: 'CloseCall'; readonly callId: string };

export type CancelCall = { readonly type: 'CancelCall'; readonly callId: string; readonly reason?: string | null };

export type CallCommand = OpenCall | CloseCall | CancelCall;

/** Opening and cancelling a call move money on the programme stream too; both are appended atomically. */
export interface CallDecision {
  readonly call: CallEvent[];
  readonly programme: ProgrammeEvent[];
}

export const initialCall: Call = { status: 'none' };

export function decide(command: CallCommand, state: { call: Call; programme: Programme }, now: Date): CallDecision {
  switch (command.type) {
    case 'OpenCall':
      return open(command, state.call, state.programme, now);
    case 'CloseCall':
      return { call: close(command, state.call, now), programme: [] };
    case 'CancelCall':
      return cancel(command, state.call, state.programme, now);
    default:
      return assertNever(command);
  }
}

function open(command: OpenCall, call: Call, programme: Programme, now: Date): CallDecision {
  if (call.status !== 'none') refuse('CALL_ALREADY_EXISTS', `Call ${command.callId} already exists`);
  assertText(command.title, 'call title');
  assertPositiveCents(command.budgetCents, 'call budget');
  const opensAt = parseInstant(command.opensAt, 'opensAt');
  const closesAt = parseInstant(command.closesAt, 'closesAt');
  if (opensAt >= closesAt) refuse('INVALID_CALL_WINDOW', 'opensAt must be before closesAt');
  const types = command.eligibleApplicantTypes;
  if (types.length === 0) refuse('NO_ELIGIBLE_APPLICANT_TYPES', 'A call needs at least one eligible applicant type');
  for (const type of types) {
    if (!APPLICANT_TYPES.includes(type)) refuse('INVALID_INPUT', `Unknown applicant type ${String(type)}`);
  }
  const maxGrantCents = command.maxGrantCents ?? null;
  if (maxGrantCents !== null) {
    assertPositiveCents(maxGrantCents, 'maxGrantCents');
    if (maxGrantCents > command.budgetCents) {
      refuse('MAX_GRANT_EXCEEDS_BUDGET', 'The per-bid cap cannot exceed the call budget');
    }
  }
  const measure = requireMeasure(programme, command.programmeId, command.measureId);
  const reservation = reserveMeasureBudget(
    programme,
    {
      programmeId: command.programmeId,
      measureId: command.measureId,
      callId: command.callId,
      amountCents: command.budgetCents,
    },
    now,
  );
  return {
    programme: reservation,
    call: [
      {
        type: 'CallOpened',
        data: {
          callId: command.callId,
          programmeId: command.programmeId,
          measureId: command.measureId,
          fund: measure.fund,
          title: command.title,
          budgetCents: command.budgetCents,
          opensAt: opensAt.toISOString(),
          closesAt: closesAt.toISOString(),
          eligibleApplicantTypes: [...new Set(types)],
          maxGrantCents,
          openedAt: instant(now),
        },
      },
    ],
  };
}

function close(command: CloseCall, state: Call, now: Date): CallEvent[] {
  const call = requireCall(state, command.callId);
  if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${command.callId} was cancelled`);
  if (call.status === 'closed') refuse('CALL_ALREADY_CLOSED', `Call ${command.callId} is already closed`);
  return [{ type: 'CallClosed', data: { callId: command.callId, closedAt: instant(now) } }];
}

function cancel(command: CancelCall, state: Call, programme: Programme, now: Date): CallDecision {
  const call = requireCall(state, command.callId);
  if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${command.callId} is already cancelled`);
  if (call.grantCount > 0) {
    refuse('CALL_HAS_GRANTS', `Call ${command.callId} has awarded grants; revoke them instead of cancelling`);
  }
  const reason = command.reason ?? null;
  if (reason !== null) assertText(reason, 'cancellation reason');
  return {
    call: [
      {
        type: 'CallCancelled',
        data: { callId: call.callId, reason, releasedCents: call.budgetCents, cancelledAt: instant(now) },
      },
    ],
    programme: releaseMeasureReservation(
      programme,
      { programmeId: call.programmeId, measureId: call.measureId, callId: call.callId },
      now,
    ),
  };
}

/** Committing an award's amount; decided together with the grant and the bid (see grant.decider). */
export function commitCallBudget(
  state: Call,
  commitment: { callId: string; grantId: string; bidId: string; amountCents: Cents },
  now: Date,
): CallEvent[] {
  const call = requireCall(state, commitment.callId);
  if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${call.callId} was cancelled`);
  const remaining = callRemainingCents(call);
  if (commitment.amountCents > remaining) {
    refuse('BUDGET_EXCEEDED', `Call ${call.callId} has ${remaining} cents left, award asks for ${commitment.amountCents}`);
  }
  return [{ type: 'CallBudgetCommitted', data: { ...commitment, committedAt: instant(now) } }];
}

export function releaseCallBudget(
  release: { callId: string; grantId: string; amountCents: Cents; cause: 'revocation' | 'completion' },
  now: Date,
): CallEvent[] {
  if (release.amountCents <= 0) return [];
  return [{ type: 'CallBudgetReleased', data: { ...release, releasedAt: instant(now) } }];
}

export function evolve(state: Call, event: CallEvent): Call {
  switch (event.type) {
    case 'CallOpened': {
      const d = event.data;
      return {
        status: 'open',
        callId: d.callId,
        programmeId: d.programmeId,
        measureId: d.measureId,
        fund: d.fund,
        budgetCents: d.budgetCents,
        opensAt: d.opensAt,
        closesAt: d.closesAt,
        eligibleApplicantTypes: d.eligibleApplicantTypes,
        maxGrantCents: d.maxGrantCents,
        committedCents: 0,
        releasedCents: 0,
        grantCount: 0,
      };
    }
    case 'CallClosed':
      return state.status === 'none' ? state : { ...state, status: 'closed' };
    case 'CallCancelled':
      return state.status === 'none' ? state : { ...state, status: 'cancelled' };
    case 'CallBudgetCommitted':
      return state.status === 'none'
        ? state
        : {
            ...state,
            committedCents: state.committedCents + event.data.amountCents,
            grantCount: state.grantCount + 1,
          };
    case 'CallBudgetReleased':
      return state.status === 'none'
        ? state
        : { ...state, releasedCents: state.releasedCents + event.data.amountCents };
    default:
      return assertNever(event);
  }
}

/** The call's remaining = budget − committed + released (invariant 3). */
export function callRemainingCents(call: ExistingCall): Cents {
  return call.budgetCents - call.committedCents + call.releasedCents;
}

/** Bids are accepted on an open call inside its window [opensAt, closesAt); the window's end closes it. */
export function acceptsBidsAt(call: ExistingCall, now: Date): boolean {
  const t = now.getTime();
  return call.status === 'open' && t >= Date.parse(call.opensAt) && t < Date.parse(call.closesAt);
}

export function requireCall(state: Call, callId: string): ExistingCall {
  if (state.status === 'none') refuse('CALL_NOT_FOUND', `Call ${callId} does not exist`);
  return state;
}

function parseInstant(value: string, what: string): Date {
  const at = new Date(value);
  if (typeof value !== 'string' || Number.isNaN(at.getTime())) {
    refuse('INVALID_INPUT', `${what} must be an ISO 8601 instant`);
  }
  return at;
}
