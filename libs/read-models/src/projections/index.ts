import { accountingDashboards } from './accounting-dashboards.projection.js';
import { bidSummaries } from './bid-summaries.projection.js';
import { callSummaries } from './call-summaries.projection.js';
import { grantSummaries } from './grant-summaries.projection.js';
import { expenditureClaims } from './expenditure-claims.projection.js';
import { irregularities } from './irregularities.projection.js';
import { openDataOperations } from './operations.projection.js';
import { programmeDashboards } from './programme-dashboards.projection.js';
import type { Projection } from './projection.js';

export * from './projection.js';
export * from './call-summaries.projection.js';
export * from './bid-summaries.projection.js';
export * from './grant-summaries.projection.js';
export * from './programme-dashboards.projection.js';
export * from './operations.projection.js';
export * from './expenditure-claims.projection.js';
export * from './irregularities.projection.js';
export * from './accounting-dashboards.projection.js';

/**
 * Every projection of the product; each has its own checkpoint and stops alone on a poison event.
 * Raise a projection's `version` when its documents change: it is rebuilt on the next start (projection.ts).
 */
export const FUNDING_PROJECTIONS: readonly Projection[] = [
  { name: 'programme-dashboards', version: 1, readModels: [programmeDashboards] },
  { name: 'call-summaries', version: 1, readModels: [callSummaries] },
  { name: 'bid-summaries', version: 1, readModels: [bidSummaries] },
  { name: 'grant-summaries', version: 1, readModels: [grantSummaries] },
  { name: 'expenditure-claims', version: 1, readModels: [expenditureClaims] },
  { name: 'irregularities', version: 1, readModels: [irregularities] },
  { name: 'accounting-dashboards', version: 1, readModels: [accountingDashboards] },
  openDataOperations,
];
