import { DATA_SUBJECT } from './data-subject.js';
import { eraseDataSubject } from './erase-data-subject.js';

/** The data subjects capability: erasure under the retention rules. */
export const dataSubjectDecider = {
  ...DATA_SUBJECT,
  commands: { EraseDataSubject: eraseDataSubject },
} as const;
