import { CALL, acceptsBidsAt, requireCall, type Call } from '../calls/call.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { APPLICANT_TYPES, instant, type Applicant } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { bidStream, callStream } from '../streams.js';
import { assertText } from '../text.js';
import { BID, type Bid } from './bid.js';

export type SubmitBid = {
  readonly type: 'SubmitBid';
  readonly bidId: string;
  readonly callId: string;
  /** The principal of the applicant portal sending it (from its API key). */
  readonly submittedBy: string;
  readonly applicant: Applicant;
  readonly projectTitle: string;
  readonly requestedCents: Cents;
};

/**
 * A bid on an open call, inside its window, from an eligible applicant, within the per-bid cap.
 * Reads the call but writes only the bid's own stream (ADR 0002). Event: BidSubmitted.
 */
export const submitBid: CommandPlan<SubmitBid, { bid: Bid; call: Call }> = {
  reads: (command) => ({
    bid: reading(BID, bidStream(command.bidId)),
    call: reading(CALL, callStream(command.callId)),
  }),
  about: 'bid',
  decide(command, state, now) {
    if (state.bid.status !== 'none') refuse('BID_ALREADY_EXISTS', `Bid ${command.bidId} already exists`);
    const call = requireCall(state.call, command.callId);
    if (!acceptsBidsAt(call, now)) refuse('CALL_NOT_OPEN', `Call ${call.callId} is not accepting bids at ${instant(now)}`);
    const { applicant } = command;
    if (!APPLICANT_TYPES.includes(applicant.type)) refuse('INVALID_INPUT', `Unknown applicant type ${String(applicant.type)}`);
    assertText(applicant.taxCode, 'applicant tax code', 32);
    assertText(applicant.name, 'applicant name');
    assertText(command.projectTitle, 'project title');
    if (!call.eligibleApplicantTypes.includes(applicant.type)) {
      refuse('APPLICANT_NOT_ELIGIBLE', `Applicants of type ${applicant.type} are not eligible for call ${call.callId}`);
    }
    assertPositiveCents(command.requestedCents, 'requested amount');
    const cap = call.maxGrantCents ?? call.budgetCents;
    if (command.requestedCents > cap) refuse('REQUEST_EXCEEDS_CAP', `Call ${call.callId} accepts requests up to ${cap} cents`);
    return [
      {
        type: 'BidSubmitted',
        data: {
          bidId: command.bidId,
          callId: call.callId,
          submittedBy: command.submittedBy,
          applicant: { type: applicant.type, taxCode: applicant.taxCode, name: applicant.name },
          projectTitle: command.projectTitle,
          requestedCents: command.requestedCents,
          submittedAt: instant(now),
        },
      },
    ];
  },
};
