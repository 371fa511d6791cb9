import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { subjectStream } from '../streams.js';
import { assertText } from '../text.js';
import { DATA_SUBJECT, type DataSubject } from './data-subject.js';
import { retention, type RetentionRecords } from './retention.js';

export type EraseDataSubject = {
  readonly type: 'EraseDataSubject';
  readonly subjectId: string;
  readonly reason: string;
  /** Everything the ledger holds about the subject, as the caught-up read models show it. */
  readonly records: RetentionRecords;
};

/**
 * A data subject's erasure (GDPR art. 17), refused while a retention obligation runs
 * (RETENTION_PERIOD_ACTIVE, with until when). Event: DataSubjectErased, on the subject's own
 * stream; the vault destroys the subject's key and identity once it is recorded.
 */
export const eraseDataSubject: CommandPlan<EraseDataSubject, { subject: DataSubject }> = {
  reads: (command) => ({ subject: reading(DATA_SUBJECT, subjectStream(command.subjectId)) }),
  about: 'subject',
  decide(command, { subject }, now) {
    if (subject.status === 'erased') {
      refuse('DATA_SUBJECT_ALREADY_ERASED', `Data subject ${command.subjectId} was erased at ${subject.erasedAt}`, { erasedAt: subject.erasedAt });
    }
    assertText(command.reason, 'erasure reason');
    const kept = retention(command.records, now);
    if (kept) {
      const until = kept.until === null ? null : kept.until.toISOString();
      refuse('RETENTION_PERIOD_ACTIVE', `The records must be kept ${until === null ? 'while the procedure is open' : `until ${until}`}: ${kept.because}`, { retainUntil: until });
    }
    return [{ type: 'DataSubjectErased', data: { subjectId: command.subjectId, reason: command.reason, erasedAt: instant(now) } }];
  },
};
