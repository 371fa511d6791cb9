import { Flag } from '../http/response-fields.js';

/**
 * The read models as the queries answer them, one file per read model, each response class tied to
 * its projection's document (libs/read-models/src/projections) by `Shows` (shows-document.ts):
 * `GET /programmes/{programmeId}/dashboard`, `/calls`, `/bids`, `/grants`, `/expenditure-claims` and `/irregularities`.
 */
export * from './people.responses.js';
export * from './page.responses.js';
export * from './programme-dashboard.responses.js';
export * from './call.responses.js';
export * from './bid.responses.js';
export * from './grant.responses.js';
export * from './expenditure-claim.responses.js';
export * from './irregularity.responses.js';

export class RebuildStarted {
  @Flag('True: a rebuild started; false: one was already under way') started!: boolean;
}
