import type { Instant } from '../funding.types.js';

/**
 * A natural person's identity was destroyed in the personal-data vault (GDPR art. 17): who did it
 * is in the metadata; the reason is the data-protection officer's, and holds no personal data.
 */
export type DataSubjectErased = {
  readonly type: 'DataSubjectErased';
  readonly data: {
    readonly subjectId: string;
    readonly reason: string;
    readonly erasedAt: Instant;
  };
};

export type DataSubjectEvent = DataSubjectErased;
