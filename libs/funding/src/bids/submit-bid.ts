import { CALL, acceptsBidsAt, requireCall, type Call } from '../calls/call.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { APPLICANT_TYPES, NUTS2, PERSONAL_TAX_CODE, instant, type Applicant } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { bidStream, callStream } from '../streams.js';
import { assertText } from '../text.js';
import { BID, type Bid } from './bid.js';
import { UNDERTAKING_KEY, undertakingKey } from '../undertakings/undertaking.js';

export type SubmitBid = {
  readonly type: 'SubmitBid';
  readonly bidId: string;
  readonly callId: string;
  /** The principal of the applicant portal sending it (from its API key). */
  readonly submittedBy: string;
  readonly applicant: Applicant;
  /** Undertaking keys of the undertakings linked to the applicant (see undertakingKey). */
  readonly linkedUndertakings?: readonly string[];
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
    if (!acceptsBidsAt(call, now))
      refuse('CALL_NOT_OPEN', `Call ${call.callId} is not accepting bids at ${instant(now)}`);
    const applicant = checkedApplicant(command.applicant);
    assertText(command.projectTitle, 'project title');
    if (!call.eligibleApplicantTypes.includes(applicant.type)) {
      refuse('APPLICANT_NOT_ELIGIBLE', `Applicants of type ${applicant.type} are not eligible for call ${call.callId}`);
    }
    assertPositiveCents(command.requestedCents, 'requested amount');
    const cap = call.maxGrantCents ?? call.budgetCents;
    if (command.requestedCents > cap)
      refuse('REQUEST_EXCEEDS_CAP', `Call ${call.callId} accepts requests up to ${cap} cents`);
    return [
      {
        type: 'BidSubmitted',
        data: {
          bidId: command.bidId,
          callId: call.callId,
          submittedBy: command.submittedBy,
          applicant,
          linkedUndertakings: checkedLinks(command.linkedUndertakings ?? [], applicant),
          sensitive: call.sensitive,
          projectTitle: command.projectTitle,
          requestedCents: command.requestedCents,
          submittedAt: instant(now),
        },
      },
    ];
  },
};

/**
 * A legal person comes with its public identity; a natural person only with the subject id the
 * personal-data vault gave them (never a name or a personal tax code in an event).
 */
function checkedApplicant(applicant: Applicant): Applicant {
  if (!APPLICANT_TYPES.includes(applicant.type))
    refuse('INVALID_INPUT', `Unknown applicant type ${String(applicant.type)}`);
  if (applicant.kind === 'natural-person') {
    assertText(applicant.subjectId, 'applicant subject id', 64);
    if (!NUTS2.test(applicant.region))
      refuse('INVALID_INPUT', 'A natural person applicant needs the NUTS 2 code of their region, e.g. ITC1');
    return { kind: 'natural-person', type: applicant.type, subjectId: applicant.subjectId, region: applicant.region };
  }
  assertText(applicant.taxCode, 'applicant tax code', 32);
  assertText(applicant.name, 'applicant name');
  if (applicant.type === 'natural-person' || PERSONAL_TAX_CODE.test(applicant.taxCode)) {
    refuse('INVALID_INPUT', 'A natural person is recorded by subject id, never by name and tax code');
  }
  return { kind: 'legal-person', type: applicant.type, taxCode: applicant.taxCode, name: applicant.name };
}

function checkedLinks(links: readonly string[], applicant: Applicant): string[] {
  if (links.length > 50) refuse('INVALID_INPUT', 'At most 50 linked undertakings');
  const own = undertakingKey(applicant);
  for (const key of links)
    if (typeof key !== 'string' || !UNDERTAKING_KEY.test(key))
      refuse('INVALID_INPUT', 'A linked undertaking is a tax code or a subject id');
  return [...new Set(links)].filter((key) => key !== own);
}
