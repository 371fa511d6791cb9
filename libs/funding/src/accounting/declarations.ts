import type { Evolving } from '../command-plan.js';
import { assertNever } from '../funding.types.js';
import type { Cents } from '../money.js';
import type {
  AccountsSubmitted,
  CorrectionShare,
  DeclarationsEvent,
  PaymentApplicationEvent,
  PaymentApplicationSubmitted,
  PaymentLine,
} from './declarations.events.js';

/** What one grant has in the fund's account: declared, deducted, and corrections still open. */
export interface GrantDeclared {
  readonly declaredPublicCents: Cents;
  readonly declaredEligibleCents: Cents;
  /** Taken back by applications' deductions (positive). */
  readonly deductedPublicCents: Cents;
  /** Withdrawn by corrections and not yet deducted by an application. */
  readonly pendingWithdrawalCents: Cents;
  /** Set to be recovered by corrections and not yet met by recoveries deducted since. */
  readonly toRecoverCents: Cents;
  /** Every correction, in all. */
  readonly correctedCents: Cents;
}

/** An application as submitted, with what the Commission paid on it since. */
export type DeclaredApplication = PaymentApplicationSubmitted['data'] & {
  readonly receivedCents: Cents;
  readonly receipts: ReadonlyArray<{
    readonly receiptId: string;
    readonly amountCents: Cents;
    readonly receivedOn: string;
  }>;
};

export type PendingWithdrawal = CorrectionShare & { readonly correctionId: string };

/** A fund's account with the Commission, as its stream folds: what the decisions on it need. */
export interface FundDeclarations {
  readonly applications: readonly DeclaredApplication[];
  /** Payment lines declared and not left out of accounts, by disbursement id, with the application that declared them. */
  readonly declaredPayments: ReadonlyMap<string, { readonly line: PaymentLine; readonly applicationId: string }>;
  /** Claims whose eligible expenditure is declared. */
  readonly declaredClaims: ReadonlySet<string>;
  /** Recovery receipts already deducted. */
  readonly deductedReceipts: ReadonlySet<string>;
  readonly pendingWithdrawals: readonly PendingWithdrawal[];
  readonly correctionIds: ReadonlySet<string>;
  readonly byGrant: ReadonlyMap<string, GrantDeclared>;
  readonly closedYears: ReadonlyMap<string, AccountsSubmitted['data']>;
  readonly lastCutOff: string | null;
}

export const NO_GRANT_DECLARED: GrantDeclared = {
  declaredPublicCents: 0,
  declaredEligibleCents: 0,
  deductedPublicCents: 0,
  pendingWithdrawalCents: 0,
  toRecoverCents: 0,
  correctedCents: 0,
};

/** What may still be corrected or deducted of a grant: declared, less deducted, less what corrections already hold. */
export function openDeclaredCents(grant: GrantDeclared): Cents {
  return grant.declaredPublicCents - grant.deductedPublicCents - grant.pendingWithdrawalCents - grant.toRecoverCents;
}

function withGrant(
  byGrant: ReadonlyMap<string, GrantDeclared>,
  grantId: string,
  change: (grant: GrantDeclared) => GrantDeclared,
): ReadonlyMap<string, GrantDeclared> {
  return new Map(byGrant).set(grantId, change(byGrant.get(grantId) ?? NO_GRANT_DECLARED));
}

export function evolveDeclarations(state: FundDeclarations, event: DeclarationsEvent): FundDeclarations {
  switch (event.type) {
    case 'PaymentApplicationSubmitted': {
      const d = event.data;
      const declaredPayments = new Map(state.declaredPayments);
      const declaredClaims = new Set(state.declaredClaims);
      let byGrant = state.byGrant;
      for (const line of d.lines) {
        declaredPayments.set(line.disbursementId, { line, applicationId: d.applicationId });
        line.claimIds.forEach((id) => declaredClaims.add(id));
        byGrant = withGrant(byGrant, line.grantId, (g) => ({
          ...g,
          declaredPublicCents: g.declaredPublicCents + line.publicContributionCents,
          declaredEligibleCents: g.declaredEligibleCents + line.eligibleExpenditureCents,
        }));
      }
      const deductedReceipts = new Set(state.deductedReceipts);
      const withdrawn = new Set<string>();
      for (const deduction of d.deductions) {
        const amount = -deduction.publicContributionCents;
        if (deduction.kind === 'recovery') deductedReceipts.add(deduction.reference);
        else withdrawn.add(`${deduction.reference}\u0000${deduction.grantId}`);
        byGrant = withGrant(byGrant, deduction.grantId, (g) => ({
          ...g,
          deductedPublicCents: g.deductedPublicCents + amount,
          pendingWithdrawalCents: g.pendingWithdrawalCents - (deduction.kind === 'withdrawal' ? amount : 0),
          toRecoverCents: deduction.kind === 'recovery' ? Math.max(0, g.toRecoverCents - amount) : g.toRecoverCents,
        }));
      }
      return {
        ...state,
        applications: [...state.applications, { ...d, receivedCents: 0, receipts: [] }],
        declaredPayments,
        declaredClaims,
        deductedReceipts,
        pendingWithdrawals: state.pendingWithdrawals.filter(
          (w) => !withdrawn.has(`${w.correctionId}\u0000${w.grantId}`),
        ),
        byGrant,
        lastCutOff: d.cutOffDate,
      };
    }
    case 'CommissionPaymentReceived': {
      const d = event.data;
      return {
        ...state,
        applications: state.applications.map((a) =>
          a.applicationId === d.applicationId
            ? {
                ...a,
                receivedCents: a.receivedCents + d.amountCents,
                receipts: [
                  ...a.receipts,
                  { receiptId: d.receiptId, amountCents: d.amountCents, receivedOn: d.receivedOn },
                ],
              }
            : a,
        ),
      };
    }
    case 'FinancialCorrectionMade': {
      const d = event.data;
      let byGrant = state.byGrant;
      for (const share of d.shares) {
        byGrant = withGrant(byGrant, share.grantId, (g) => ({
          ...g,
          correctedCents: g.correctedCents + share.amountCents,
          pendingWithdrawalCents: g.pendingWithdrawalCents + (d.treatment === 'withdrawal' ? share.amountCents : 0),
          toRecoverCents: g.toRecoverCents + (d.treatment === 'recovery' ? share.amountCents : 0),
        }));
      }
      return {
        ...state,
        byGrant,
        correctionIds: new Set(state.correctionIds).add(d.correctionId),
        pendingWithdrawals:
          d.treatment === 'withdrawal'
            ? [...state.pendingWithdrawals, ...d.shares.map((share) => ({ ...share, correctionId: d.correctionId }))]
            : state.pendingWithdrawals,
      };
    }
    case 'AccountsSubmitted': {
      const d = event.data;
      // Lines under assessment leave the declarations: a later application declares them again.
      const declaredPayments = new Map(state.declaredPayments);
      const declaredClaims = new Set(state.declaredClaims);
      let byGrant = state.byGrant;
      for (const left of d.underAssessment) {
        const line = state.declaredPayments.get(left.disbursementId)?.line;
        if (!line) continue;
        declaredPayments.delete(left.disbursementId);
        line.claimIds.forEach((id) => declaredClaims.delete(id));
        byGrant = withGrant(byGrant, line.grantId, (g) => ({
          ...g,
          declaredPublicCents: g.declaredPublicCents - line.publicContributionCents,
          declaredEligibleCents: g.declaredEligibleCents - line.eligibleExpenditureCents,
        }));
      }
      return {
        ...state,
        declaredPayments,
        declaredClaims,
        byGrant,
        closedYears: new Map(state.closedYears).set(d.accountingYear, d),
      };
    }
    default:
      return assertNever(event);
  }
}

export const FUND_DECLARATIONS: Evolving<FundDeclarations, DeclarationsEvent> = {
  initialState: () => ({
    applications: [],
    declaredPayments: new Map(),
    declaredClaims: new Set(),
    deductedReceipts: new Set(),
    pendingWithdrawals: [],
    correctionIds: new Set(),
    byGrant: new Map(),
    closedYears: new Map(),
    lastCutOff: null,
  }),
  evolve: evolveDeclarations,
};

/** A payment application's id, taken or not, and the fund whose account holds it. */
export type ApplicationPointer =
  | { readonly status: 'none' }
  | { readonly status: 'taken'; readonly programmeId: string; readonly fund: PaymentApplicationEvent['data']['fund'] };

export const APPLICATION_POINTER: Evolving<ApplicationPointer, PaymentApplicationEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (_state, event) => ({ status: 'taken', programmeId: event.data.programmeId, fund: event.data.fund }),
};
