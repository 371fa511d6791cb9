import { dayInItaly, isCalendarDate } from '../acts/administrative-act.js';
import { splitContribution } from '../accounting/cofinancing.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { GRANT, requireGrant, type Grant } from '../grants/grant.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { PROGRAMME, requireMeasure, requireProgramme, type Programme } from '../programmes/programme.js';
import { grantStream, irregularityStream, programmeStream } from '../streams.js';
import { assertText } from '../text.js';
import { IRREGULARITY, olafReportingDeadline, reportableToOlaf, type Irregularity } from './irregularity.js';

/** The longest description of a finding kept in the event; the case file holds the rest. */
export const MAX_IRREGULARITY_DESCRIPTION = 2_000;

export type RecordIrregularity = {
  readonly type: 'RecordIrregularity';
  readonly grantId: string;
  readonly irregularityId: string;
  /** What kind of breach: a code, e.g. an IMS category (up to 100 characters). */
  readonly irregularityType: string;
  /** The day of the first written finding, YYYY-MM-DD: not after today. */
  readonly firstWrittenFindingOn: string;
  readonly irregularAmountCents: Cents;
  readonly suspectedFraud: boolean;
  readonly description: string;
  /** The principal recording it (a controller or the programme manager). */
  readonly recordedBy: string;
};

/** The irregularity's id (used once), the grant it was found on, then that grant's programme. */
type RecordState = { irregularity: Irregularity; grant: Grant; programme?: Programme };

/**
 * A controller or the programme manager records an irregularity found on a grant: at most what the
 * grant was paid, split by the co-financing of its measure's fund share (which must be stated), and
 * reportable to OLAF above EUR 10,000 of EU contribution or on a suspected fraud, by the end of the
 * second month after the quarter of the first written finding. Only the irregularity's stream is
 * written: the grant's money does not move (a correction or recovery is a decision of its own).
 */
export const recordIrregularity: CommandPlan<RecordIrregularity, RecordState> = {
  reads: (command) => ({
    irregularity: reading(IRREGULARITY, irregularityStream(command.irregularityId)),
    grant: reading(GRANT, grantStream(command.grantId)),
  }),
  alsoReads(_command, state) {
    if (state.grant.status === 'none') return {};
    return { programme: reading(PROGRAMME, programmeStream(state.grant.programmeId)) };
  },
  about: 'irregularity',
  decide(command, state, now) {
    if (state.irregularity.status !== 'none')
      refuse('IRREGULARITY_ALREADY_RECORDED', `Irregularity ${command.irregularityId} already exists`);
    const grant = requireGrant(state.grant, command.grantId);
    const type = assertText(command.irregularityType, 'type', 100).trim();
    const findingOn = command.firstWrittenFindingOn;
    if (!isCalendarDate(findingOn)) refuse('INVALID_INPUT', 'firstWrittenFindingOn must be a date YYYY-MM-DD');
    const today = dayInItaly(now);
    if (findingOn > today)
      refuse('INVALID_INPUT', `firstWrittenFindingOn (${findingOn}) cannot be after today (${today})`);
    if (typeof command.suspectedFraud !== 'boolean') refuse('INVALID_INPUT', 'suspectedFraud is true or false');
    const description = assertText(command.description, 'description', MAX_IRREGULARITY_DESCRIPTION);
    const amountCents = assertPositiveCents(command.irregularAmountCents, 'irregularAmountCents');
    if (amountCents > grant.paidCents)
      refuse(
        'IRREGULAR_AMOUNT_EXCEEDS_PAID',
        `Grant ${grant.grantId} was paid ${grant.paidCents} cents; the irregular amount of ${amountCents} cents exceeds it`,
        { paidCents: grant.paidCents },
      );
    const programme = requireProgramme(state.programme ?? { status: 'none' }, grant.programmeId);
    const measure = requireMeasure(programme, grant.programmeId, grant.measureId);
    const cofinancing = programme.funds.find((share) => share.fund === measure.fund)?.cofinancing ?? null;
    if (cofinancing === null)
      refuse(
        'COFINANCING_NOT_STATED',
        `Programme ${grant.programmeId} states no co-financing for its ${measure.fund} share: the EU share of the irregularity cannot be established`,
        { fund: measure.fund },
      );
    const split = splitContribution(amountCents, cofinancing);
    const reportable = reportableToOlaf(split.euCents, command.suspectedFraud);
    return [
      {
        type: 'IrregularityRecorded',
        data: {
          irregularityId: command.irregularityId,
          grantId: grant.grantId,
          callId: grant.callId,
          programmeId: grant.programmeId,
          measureId: grant.measureId,
          fund: measure.fund,
          cup: grant.cup,
          type,
          firstWrittenFindingOn: findingOn,
          irregularAmountCents: amountCents,
          cofinancing,
          euCents: split.euCents,
          nationalCents: split.nationalCents,
          regionalCents: split.regionalCents,
          suspectedFraud: command.suspectedFraud,
          description,
          reportable,
          reportToOlafBy: reportable ? olafReportingDeadline(findingOn) : null,
          recordedBy: command.recordedBy,
          recordedAt: instant(now),
        },
      },
    ];
  },
};
