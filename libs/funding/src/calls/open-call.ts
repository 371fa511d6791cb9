import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import {
  AID_REGIMES,
  APPLICANT_TYPES,
  instant,
  type AidRegime,
  type ApplicantType,
  type Instant,
} from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { PROGRAMME, measureUnreservedCents, requireMeasure, type Programme } from '../programmes/programme.js';
import { callStream, programmeStream } from '../streams.js';
import { assertText } from '../text.js';
import { CALL, type Call } from './call.js';
import { SELECTIONS, type GberTerms, type Selection } from './call.events.js';

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
  /** Absent: none. */
  readonly aidRegime?: AidRegime;
  /** Basis points of an award payable as an advance; absent: 0 (no advance before verified expenditure). */
  readonly advanceShareBp?: number;
  /** Absent: ranking. */
  readonly selection?: Selection;
  /** Basis points of verified eligible expenditure its grants are paid (1 to 10000); absent: 10000. */
  readonly fundingRateBp?: number;
  /** Required under GBER (and only there): the article its aid falls under and that article's maximum aid intensity. */
  readonly gber?: GberTerms | null;
};

/**
 * Opens a call and reserves its budget from the measure (invariant 2): CallOpened on the call,
 * MeasureBudgetReserved on the programme, in one atomic append. Calls on one programme are decided
 * one at a time in a process (they draw on its measures).
 */
export const openCall: CommandPlan<OpenCall, { call: Call; programme: Programme }> = {
  reads: (command) => ({
    call: reading(CALL, callStream(command.callId)),
    programme: reading(PROGRAMME, programmeStream(command.programmeId)),
  }),
  about: 'call',
  serializeOn: 'programme',
  decide(command, { call, programme }, now) {
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
      if (maxGrantCents > command.budgetCents)
        refuse('MAX_GRANT_EXCEEDS_BUDGET', 'The per-bid cap cannot exceed the call budget');
    }
    const aidRegime = command.aidRegime ?? 'none';
    if (!AID_REGIMES.includes(aidRegime)) refuse('INVALID_INPUT', `Unknown aid regime ${String(aidRegime)}`);
    const selection = command.selection ?? 'ranking';
    if (!SELECTIONS.includes(selection)) refuse('INVALID_INPUT', `Unknown selection ${String(selection)}`);
    const advanceShareBp = command.advanceShareBp ?? 0;
    if (!Number.isInteger(advanceShareBp) || advanceShareBp < 0 || advanceShareBp > 10_000)
      refuse('INVALID_INPUT', 'advanceShareBp is a whole number of basis points from 0 to 10000');
    const fundingRateBp = command.fundingRateBp ?? 10_000;
    if (!Number.isInteger(fundingRateBp) || fundingRateBp < 1 || fundingRateBp > 10_000)
      refuse('INVALID_INPUT', 'fundingRateBp is a whole number of basis points from 1 to 10000');
    const gber = checkedGber(command.gber ?? null, aidRegime);
    const measure = requireMeasure(programme, command.programmeId, command.measureId);
    const unreserved = measureUnreservedCents(measure);
    if (command.budgetCents > unreserved) {
      refuse(
        'MEASURE_ALLOCATION_EXCEEDED',
        `Measure ${measure.code} has ${unreserved} cents unreserved, call asks for ${command.budgetCents}`,
      );
    }
    const at = instant(now);
    return [
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
          sensitive: measure.sensitive,
          aidRegime,
          advanceShareBp,
          selection,
          fundingRateBp,
          gber,
          openedAt: at,
        },
      },
      {
        type: 'MeasureBudgetReserved',
        data: {
          programmeId: command.programmeId,
          measureId: command.measureId,
          callId: command.callId,
          amountCents: command.budgetCents,
          reservedAt: at,
        },
      },
    ];
  },
};

function parseInstant(value: string, what: string): Date {
  const at = new Date(value);
  if (typeof value !== 'string' || Number.isNaN(at.getTime()))
    refuse('INVALID_INPUT', `${what} must be an ISO 8601 instant`);
  return at;
}

/**
 * Aid under the General Block Exemption Regulation (Reg. (EU) 651/2014) is exempt only within the
 * intensity its article allows: a GBER call names the article and that maximum (1 to 10000 basis
 * points of the eligible cost); a call under another regime names none.
 */
function checkedGber(gber: GberTerms | null, aidRegime: AidRegime): GberTerms | null {
  if (aidRegime !== 'gber') {
    if (gber !== null)
      refuse('INVALID_INPUT', 'Only a call under GBER states a GBER article and its maximum aid intensity');
    return null;
  }
  if (gber === null || typeof gber !== 'object')
    refuse(
      'INVALID_INPUT',
      'A call under GBER states its article and maximum aid intensity: gber { article, maxIntensityBp }',
    );
  assertText(gber.article, 'GBER article', 64);
  if (!Number.isInteger(gber.maxIntensityBp) || gber.maxIntensityBp < 1 || gber.maxIntensityBp > 10_000)
    refuse('INVALID_INPUT', 'gber.maxIntensityBp is a whole number of basis points from 1 to 10000');
  return { article: gber.article.trim(), maxIntensityBp: gber.maxIntensityBp };
}
