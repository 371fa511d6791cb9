import type { AdministrativeAct } from '../acts/administrative-act.js';
import type { DisbursementKind, Fund, Instant } from '../funding.types.js';
import type { Cents } from '../money.js';
import type { Cofinancing } from './cofinancing.js';

/**
 * The events of a fund's account with the Commission (docs/adr/0022): what the managing authority
 * declared of one fund of one programme, what the Commission paid on it, what was corrected, and the
 * accounts of each accounting year. One stream per programme and fund, `declarations-<programme>-<fund>`:
 * every application and correction appends to it at the revision it read, so a payment is declared
 * once and a correction never passes what was declared, whatever runs at the same time.
 */

/** Amounts of public contribution as their co-financing splits them; signed (a deduction is negative). */
export interface DeclaredAmounts {
  /** Eligible expenditure paid by beneficiaries behind the public contribution. */
  readonly eligibleExpenditureCents: Cents;
  readonly publicContributionCents: Cents;
  readonly euShareCents: Cents;
  readonly nationalShareCents: Cents;
  readonly regionalShareCents: Cents;
}

/** Where a line or deduction belongs: its grant, project code, measure and the priority axis totals are made by. */
export interface DeclaredOperation {
  readonly grantId: string;
  readonly cup: string;
  readonly measureId: string;
  readonly priorityAxis: string | null;
}

/** A payment to a beneficiary declared: each payment is declared in one application at most. */
export type PaymentLine = DeclaredOperation &
  DeclaredAmounts & {
    readonly disbursementId: string;
    readonly kind: DisbursementKind;
    /** The day it was paid, in Italy. */
    readonly paidOn: string;
    /** The verified claims whose eligible expenditure this line declares (the expenditure behind its payment and the grant's earlier ones). */
    readonly claimIds: readonly string[];
  };

/**
 * Public contribution taken back out of what was declared, with negative amounts: a recovery
 * received from the beneficiary, or a financial correction withdrawn.
 */
export type Deduction = DeclaredOperation &
  DeclaredAmounts & {
    readonly kind: 'recovery' | 'withdrawal';
    /** The recovery's receipt id, or the correction's id. */
    readonly reference: string;
  };

/** Totals of one priority axis (null: measures defined without one). */
export type AxisTotals = DeclaredAmounts & { readonly priorityAxis: string | null };

/**
 * A payment application ("domanda di pagamento", Reg. (EU) 1303/2013 art. 131; 2021/1060 art. 91):
 * the payments of a fund made on verified expenditure up to the cut-off and not declared before,
 * less what was recovered and withdrawn since the last one.
 */
export type PaymentApplicationSubmitted = {
  readonly type: 'PaymentApplicationSubmitted';
  readonly data: {
    readonly applicationId: string;
    readonly programmeId: string;
    readonly fund: Fund;
    readonly accountingYear: string;
    readonly cutOffDate: string;
    readonly cofinancing: Cofinancing;
    readonly lines: readonly PaymentLine[];
    readonly deductions: readonly Deduction[];
    /** The lines plus the deductions, part by part: each total is the sum of what is listed, to the cent. */
    readonly totals: DeclaredAmounts;
    readonly byAxis: readonly AxisTotals[];
    /** Basis points of the EU share the Commission pays as interim payment (the programming period's). */
    readonly interimPaymentBp: number;
    /** The EU share times the interim rate, rounded toward zero (negative: owed back). */
    readonly expectedInterimPaymentCents: Cents;
    readonly submittedBy: string;
    readonly submittedAt: Instant;
  };
};

/** The application's id, taken for good: the id names the fund whose account holds the application. */
export type PaymentApplicationNumbered = {
  readonly type: 'PaymentApplicationNumbered';
  readonly data: { readonly applicationId: string; readonly programmeId: string; readonly fund: Fund };
};

/** What the Commission paid on an application. */
export type CommissionPaymentReceived = {
  readonly type: 'CommissionPaymentReceived';
  readonly data: {
    readonly programmeId: string;
    readonly fund: Fund;
    readonly applicationId: string;
    readonly receiptId: string;
    readonly amountCents: Cents;
    /** The value date, YYYY-MM-DD. */
    readonly receivedOn: string;
    readonly recordedBy: string;
    readonly recordedAt: Instant;
  };
};

/** One grant's part of a correction. */
export type CorrectionShare = DeclaredOperation & { readonly amountCents: Cents };

/**
 * A financial correction (Reg. (EU) 1303/2013 art. 143; 2021/1060 art. 103): public contribution
 * cancelled on a grant, or on every grant of a measure by a flat rate or an amount, never more than
 * what was declared of it. Withdrawn: deducted by the next application. To be recovered: deducted as
 * the beneficiary pays it back (its recovery receipts).
 */
export type FinancialCorrectionMade = {
  readonly type: 'FinancialCorrectionMade';
  readonly data: {
    readonly correctionId: string;
    readonly programmeId: string;
    readonly fund: Fund;
    readonly target: { readonly grantId: string } | { readonly measureId: string };
    /** The flat rate applied to what was declared and not deducted, or null for an amount. */
    readonly rateBp: number | null;
    readonly amountCents: Cents;
    readonly shares: readonly CorrectionShare[];
    readonly treatment: 'withdrawal' | 'recovery';
    readonly reason: string;
    readonly act: AdministrativeAct;
    readonly madeBy: string;
    readonly madeAt: Instant;
  };
};

/** An application's totals, as the accounts reconcile them. */
export type ApplicationInAccounts = DeclaredAmounts & { readonly applicationId: string; readonly cutOffDate: string };

/** A payment line left out of the accounts while its expenditure is assessed: it may be declared again later. */
export type LineUnderAssessment = DeclaredOperation &
  DeclaredAmounts & { readonly disbursementId: string; readonly applicationId: string };

/**
 * The accounts of an accounting year (Reg. (EU) 1303/2013 art. 137; 2021/1060 art. 98): after them no
 * application is made for that year.
 */
export type AccountsSubmitted = {
  readonly type: 'AccountsSubmitted';
  readonly data: {
    readonly programmeId: string;
    readonly fund: Fund;
    readonly accountingYear: string;
    readonly act: AdministrativeAct;
    readonly applications: readonly ApplicationInAccounts[];
    /** The payments declared in the year's applications, before deductions. */
    readonly declared: DeclaredAmounts;
    /** Deducted in the year's applications: corrections withdrawn, and recoveries received. */
    readonly withdrawn: DeclaredAmounts;
    readonly recovered: DeclaredAmounts;
    /** Lines left out, with their amounts: declared again in a later application once assessed. */
    readonly underAssessment: readonly LineUnderAssessment[];
    /** declared + withdrawn + recovered (deductions are negative) − under assessment: the year's accounts. */
    readonly accounted: DeclaredAmounts;
    /** Corrections to be recovered and not yet met by recoveries deducted, when the accounts are submitted. */
    readonly toBeRecoveredCents: Cents;
    /** Recoveries of declared grants written off as irrecoverable during the year. */
    readonly irrecoverableCents: Cents;
    /** What the Commission paid on the year's applications. */
    readonly receivedCents: Cents;
    /** The EU share accounted less what was received: the balance the Commission pays (negative: owed back). */
    readonly balanceCents: Cents;
    readonly submittedBy: string;
    readonly submittedAt: Instant;
  };
};

export type DeclarationsEvent =
  PaymentApplicationSubmitted | CommissionPaymentReceived | FinancialCorrectionMade | AccountsSubmitted;
export type PaymentApplicationEvent = PaymentApplicationNumbered;
