import { reading, type CommandPlan, type StreamToRead } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { instant } from '../funding.types.js';
import { GRANT, openRecoveryCents, type ExistingGrant, type Grant } from '../grants/grant.js';
import { PROGRAMME, requireProgramme, type Programme } from '../programmes/programme.js';
import { grantStream, programmeStream, subjectStream } from '../streams.js';
import { assertText } from '../text.js';
import { DATA_SUBJECT, type DataSubject } from './data-subject.js';
import { retainedUntil, retention, type RetainedGrant, type RetentionRecords } from './retention.js';

export type EraseDataSubject = {
  readonly type: 'EraseDataSubject';
  readonly subjectId: string;
  readonly reason: string;
  /** The subject's bids and which grants are theirs, as the read models caught up with the whole log list them. */
  readonly records: RetentionRecords;
};

type ErasureState = { subject: DataSubject } & { [grant: `grant:${string}`]: Grant } & {
  [programme: `programme:${string}`]: Programme;
};

const grantIdsOf = (command: EraseDataSubject): string[] => [...new Set(command.records.grants.map((g) => g.grantId))];

/**
 * A data subject's erasure (GDPR art. 17), refused while a retention obligation runs
 * (RETENTION_PERIOD_ACTIVE, with every reason and until when). What a grant's retention depends on
 * is read from the grant's own stream (payments, recoveries, aid regime) and its programme's (the
 * retention rule), never from a read model: the erasure is recorded on each of those grants
 * (GrantBeneficiaryErased, beside DataSubjectErased on the subject's own stream) at the revision it
 * read, so a payment or a recovery order recorded meanwhile makes it decide again (invariant 9).
 * The vault destroys the subject's key and identity once it is recorded.
 */
export const eraseDataSubject: CommandPlan<EraseDataSubject, ErasureState> = {
  reads: (command) => ({ subject: reading(DATA_SUBJECT, subjectStream(command.subjectId)) }),
  alsoReads(command, state) {
    const grants: Record<`grant:${string}`, StreamToRead<Grant>> = {};
    const programmes: Record<`programme:${string}`, StreamToRead<Programme>> = {};
    for (const grantId of grantIdsOf(command)) {
      grants[`grant:${grantId}`] = reading(GRANT, grantStream(grantId));
      const grant = state[`grant:${grantId}`];
      if (grant && grant.status !== 'none')
        programmes[`programme:${grant.programmeId}`] = reading(PROGRAMME, programmeStream(grant.programmeId));
    }
    return { ...grants, ...programmes };
  },
  about: 'subject',
  decide(command, state, now) {
    const { subject } = state;
    if (subject.status === 'erased') {
      refuse('DATA_SUBJECT_ALREADY_ERASED', `Data subject ${command.subjectId} was erased at ${subject.erasedAt}`, {
        erasedAt: subject.erasedAt,
      });
    }
    assertText(command.reason, 'erasure reason');
    const grants = grantIdsOf(command).map((grantId) => grantOf(state, grantId, command.subjectId));
    const kept = retention({ bids: command.records.bids, grants: grants.map(({ retained }) => retained) }, now);
    if (kept.length > 0) {
      const until = retainedUntil(kept);
      refuse(
        'RETENTION_PERIOD_ACTIVE',
        `The records must be kept ${until === null ? 'while a procedure or a recovery is open' : `until ${until.toISOString()}`}: ${kept.map((k) => k.because).join('; ')}`,
        {
          retainUntil: until === null ? null : until.toISOString(),
          retentionReasons: kept.map((k) => ({
            reason: k.reason,
            retainUntil: k.until === null ? null : k.until.toISOString(),
            grantId: k.grantId,
            bidId: k.bidId,
          })),
        },
      );
    }
    const erasedAt = instant(now);
    return [
      { type: 'DataSubjectErased', data: { subjectId: command.subjectId, reason: command.reason, erasedAt } },
      ...grants.map(({ grant }): FundingEvent => ({
        type: 'GrantBeneficiaryErased',
        data: {
          grantId: grant.grantId,
          callId: grant.callId,
          programmeId: grant.programmeId,
          measureId: grant.measureId,
          subjectId: command.subjectId,
          erasedAt,
        },
      })),
    ];
  },
};

/** One of the subject's grants, from its stream, with its programme's retention rule. */
function grantOf(
  state: ErasureState,
  grantId: string,
  subjectId: string,
): { grant: ExistingGrant; retained: RetainedGrant } {
  const grant = state[`grant:${grantId}`];
  if (!grant || grant.status === 'none' || grant.beneficiarySubjectId !== subjectId)
    refuse('INVALID_INPUT', `Grant ${grantId} is not a grant of data subject ${subjectId}`);
  const programme = requireProgramme(state[`programme:${grant.programmeId}`] ?? { status: 'none' }, grant.programmeId);
  return {
    grant,
    retained: {
      grantId,
      grantDate: grant.grantDate,
      lastPaymentAt: grant.lastPaidAt,
      aidRegime: grant.aidRegime,
      openRecoveryCents: openRecoveryCents(grant),
      retention: programme.rules.retention,
    },
  };
}
