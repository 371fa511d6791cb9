import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { GRANT, requireGrant, type Grant } from '../grants/grant.js';
import { assertPositiveCents, MAX_AMOUNT_CENTS, type Cents } from '../money.js';
import { claimStream, grantStream } from '../streams.js';
import { assertText } from '../text.js';
import { CLAIM, type Claim } from './claim.js';
import { CLAIM_KINDS, type ClaimItem, type ClaimKind } from './expenditure.events.js';

/** The most items one claim lists, and the most claims one grant takes. */
export const MAX_CLAIM_ITEMS = 200;
export const MAX_CLAIMS_PER_GRANT = 100;

export type SubmitExpenditureClaim = {
  readonly type: 'SubmitExpenditureClaim';
  readonly grantId: string;
  readonly claimId: string;
  readonly kind: ClaimKind;
  readonly items: readonly ClaimItem[];
  /** The principal asking: only the portal whose bid became the grant may claim on it. */
  readonly submittedBy: string;
};

/**
 * The beneficiary declares expenditure on its active grant ("rendicontazione"), through the portal
 * that submitted its bid (to any other principal the grant does not exist): ExpenditureClaimSubmitted
 * on the grant, ExpenditureClaimFiled on the claim id's stream (taken once). A final claim closes the
 * grant to further claims.
 */
export const submitExpenditureClaim: CommandPlan<SubmitExpenditureClaim, { grant: Grant; claim: Claim }> = {
  reads: (command) => ({
    grant: reading(GRANT, grantStream(command.grantId)),
    claim: reading(CLAIM, claimStream(command.claimId)),
  }),
  about: 'grant',
  decide(command, state, now) {
    const grant = requireGrant(state.grant, command.grantId);
    if (grant.submittedBy !== command.submittedBy) refuse('GRANT_NOT_FOUND', `Grant ${command.grantId} does not exist`);
    if (state.claim.grantId !== null) refuse('CLAIM_ALREADY_EXISTS', `Expenditure claim ${command.claimId} already exists`);
    if (grant.status !== 'active') refuse('GRANT_NOT_ACTIVE', `Grant ${grant.grantId} is ${grant.status}; it takes no more claims`);
    if (!CLAIM_KINDS.includes(command.kind)) refuse('INVALID_INPUT', `Unknown claim kind ${String(command.kind)}`);
    const final = grant.claims.find((c) => c.kind === 'final');
    if (final) refuse('CLAIMS_CLOSED', `Grant ${grant.grantId} has its final claim (${final.claimId}); it takes no more claims`);
    if (grant.claims.length >= MAX_CLAIMS_PER_GRANT) refuse('CLAIM_LIMIT_REACHED', `Grant ${grant.grantId} has ${MAX_CLAIMS_PER_GRANT} claims, the most one grant takes`);
    if (!Array.isArray(command.items) || command.items.length === 0) refuse('INVALID_INPUT', 'A claim lists at least one item of expenditure');
    if (command.items.length > MAX_CLAIM_ITEMS) refuse('INVALID_INPUT', `A claim lists at most ${MAX_CLAIM_ITEMS} items`);
    const items = command.items.map((item, i): ClaimItem => ({
      description: assertText(item.description, `item ${i} description`),
      category: assertText(item.category, `item ${i} category`, 64),
      amountCents: assertPositiveCents(item.amountCents, `item ${i} amount`),
      documentRef: assertText(item.documentRef, `item ${i} document reference`, 200),
    }));
    const declaredCents: Cents = items.reduce((sum, item) => sum + item.amountCents, 0);
    // Beyond the operation's whole eligible cost a claim is a mistake, and totals must stay exact (docs/security.md).
    if (declaredCents > grant.totalEligibleCostCents || declaredCents > MAX_AMOUNT_CENTS) {
      refuse('CLAIM_EXCEEDS_ELIGIBLE_COST', `The claim declares ${declaredCents} cents, more than the operation's total eligible cost of ${grant.totalEligibleCostCents}`);
    }
    const at = instant(now);
    return [
      {
        type: 'ExpenditureClaimSubmitted',
        data: { grantId: grant.grantId, callId: grant.callId, programmeId: grant.programmeId, measureId: grant.measureId, claimId: command.claimId, kind: command.kind, items, declaredCents, submittedBy: command.submittedBy, submittedAt: at },
      },
      { type: 'ExpenditureClaimFiled', data: { claimId: command.claimId, grantId: grant.grantId, filedAt: at } },
    ];
  },
};
