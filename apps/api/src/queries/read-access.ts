/** Who may read which document of the read models: the roles, and what each sees of natural persons. */
import type { ReadModelDocument, Where } from '@app/read-models';
import type { Principal } from '../auth/api-keys.js';

/** Who reads the read models. */
export const READERS = [
  'viewer',
  'auditor',
  'programme-manager',
  'evaluator',
  'finance-officer',
  'controller',
  'accounting-officer',
] as const;

/** Who reads expenditure claims: those who verify, pay, order recoveries, and audit. */
export const CLAIM_READERS = [
  'controller',
  'finance-officer',
  'programme-manager',
  'auditor',
  'accounting-officer',
] as const;

/** Who reads irregularities: those who find and follow them up, the accounting function, and audit. */
export const IRREGULARITY_READERS = ['controller', 'programme-manager', 'auditor', 'accounting-officer'] as const;

/**
 * Who reads the accounting dashboard: the accounting function, the managing authority, auditors, and
 * viewers (the figures are totals per fund and year, with nothing about any person).
 */
export const ACCOUNTING_DASHBOARD_READERS = ['accounting-officer', 'programme-manager', 'auditor', 'viewer'] as const;

/** The roles that act on natural persons: they see them in sensitive measures, and see who they are. */
const ACTING = ['programme-manager', 'evaluator', 'finance-officer', 'controller', 'data-protection-officer'] as const;

export const acts = (principal: Principal) =>
  principal.roles.some((role) => (ACTING as readonly string[]).includes(role));
export const owns = (principal: Principal, document: ReadModelDocument) =>
  principal.roles.includes('applicant-service') && document['submittedBy'] === principal.id;

/**
 * A bid or grant as its reader may see it: an applicant portal, only what it submitted (anything
 * else does not exist for it); a viewer, nothing about a natural person in a sensitive measure; the
 * auditor, everything, pseudonymous.
 */
export function visibleTo(principal: Principal, document: ReadModelDocument | null): ReadModelDocument | null {
  if (document === null) return null;
  if (acts(principal) || owns(principal, document) || principal.roles.includes('auditor')) return document;
  if (!principal.roles.includes('viewer')) return null;
  return document['publicView'] === false ? null : document;
}

/** Lists filtered as visibleTo would filter their items. */
export function listFilterFor(principal: Principal): Where {
  if (acts(principal) || principal.roles.includes('auditor')) return {};
  return { publicView: true };
}
