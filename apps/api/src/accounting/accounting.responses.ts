import { Act } from '../acts/act.dto.js';
import { Cents, Day, Id, Instant, Integer, List, Nested, OneOf, Text, Texts } from '../http/response-fields.js';
import { DISBURSEMENT_KINDS, FUNDS } from '@app/funding';

/** Signed amounts of public contribution and their co-financing split (a deduction is negative). */
export class DeclaredAmountsResponse {
  @Cents('Eligible expenditure paid by beneficiaries behind it', { example: 10_000_000 })
  eligibleExpenditureCents!: number;
  @Cents('Public contribution paid to beneficiaries', { example: 6_000_000 })
  publicContributionCents!: number;
  @Cents("The EU fund's share", { example: 3_000_000 }) euShareCents!: number;
  @Cents("The State's share", { example: 2_100_000 }) nationalShareCents!: number;
  @Cents("The region's share", { example: 900_000 }) regionalShareCents!: number;
}

export class CofinancingResponse {
  @Integer('EU, in basis points', { example: 5000 }) euBp!: number;
  @Integer('State, in basis points', { example: 3500 }) nationalBp!: number;
  @Integer('Region, in basis points', { example: 1500 }) regionalBp!: number;
}

export class PaymentLineResponse extends DeclaredAmountsResponse {
  @Id('The grant', { example: 'officine-nido-grant' }) grantId!: string;
  @Id('Its CUP', { example: 'J11B17000270009' }) cup!: string;
  @Id('Its measure', { example: 'wecare-m4' }) measureId!: string;
  @Text('Its priority axis', { nullable: true, example: 'II' }) priorityAxis!: string | null;
  @Id('The payment declared', { example: 'mand-2026-0001' }) disbursementId!: string;
  @OneOf(DISBURSEMENT_KINDS, 'DisbursementKind', 'advance, interim (SAL) or final (saldo)')
  kind!: string;
  @Day('The day it was paid, in Italy', { example: '2026-06-01' }) paidOn!: string;
  @Texts('The verified claims whose eligible expenditure this line declares') claimIds!: string[];
}

export class DeductionResponse extends DeclaredAmountsResponse {
  @Id('The grant', { example: 'officine-nido-grant' }) grantId!: string;
  @Id('Its CUP', { example: 'J11B17000270009' }) cup!: string;
  @Id('Its measure', { example: 'wecare-m4' }) measureId!: string;
  @Text('Its priority axis', { nullable: true, example: 'II' }) priorityAxis!: string | null;
  @OneOf(['recovery', 'withdrawal'], 'DeductionKind', 'A recovery received, or a financial correction withdrawn')
  kind!: string;
  @Id("The recovery's receipt id, or the correction's id", { example: 'rec-2026-01' }) reference!: string;
}

export class AxisTotalsResponse extends DeclaredAmountsResponse {
  @Text('The priority axis (null: measures defined without one)', { nullable: true, example: 'II' })
  priorityAxis!: string | null;
}

export class CommissionReceiptResponse {
  @Id('The receipt', { example: 'ec-2026-0912' }) receiptId!: string;
  @Cents('Paid by the Commission', { example: 2_850_000 }) amountCents!: number;
  @Day('Value date', { example: '2026-09-15' }) receivedOn!: string;
}

export class PaymentApplicationResponse {
  @Id('The application', { example: 'wecare-fse-2026-1' }) applicationId!: string;
  @Id('The programme', { example: 'wecare' }) programmeId!: string;
  @OneOf(FUNDS, 'Fund', 'The fund') fund!: string;
  @Text('The accounting year', { example: '2025-2026' }) accountingYear!: string;
  @Day('Payments up to this day were declared', { example: '2026-06-30' }) cutOffDate!: string;
  @Nested(CofinancingResponse, "The fund's co-financing the amounts are split by") cofinancing!: CofinancingResponse;
  @List(PaymentLineResponse, 'Each payment declared: grant, CUP, payment, amounts') lines!: PaymentLineResponse[];
  @List(DeductionResponse, 'Recoveries and withdrawals taken out, with negative amounts')
  deductions!: DeductionResponse[];
  @Nested(DeclaredAmountsResponse, 'The lines plus the deductions, part by part: each the sum of what is listed')
  totals!: DeclaredAmountsResponse;
  @List(AxisTotalsResponse, 'The totals by priority axis') byAxis!: AxisTotalsResponse[];
  @Integer('The interim payment rate of the programming period, in basis points of the EU share', { example: 9500 })
  interimPaymentBp!: number;
  @Cents('The EU share times the interim payment rate, rounded toward zero (negative: owed back)', {
    example: 2_850_000,
  })
  expectedInterimPaymentCents!: number;
  @Cents('Received from the Commission so far', { example: 2_850_000 }) receivedCents!: number;
  @List(CommissionReceiptResponse, 'What the Commission paid on it') receipts!: CommissionReceiptResponse[];
  @Id('The accounting officer who submitted it', { example: 'dev:accounting-officer' }) submittedBy!: string;
  @Instant('When it was recorded') submittedAt!: string;
}

export class PaymentApplicationList {
  @List(PaymentApplicationResponse, 'The applications, oldest first') items!: PaymentApplicationResponse[];
}

export class ApplicationInAccountsResponse extends DeclaredAmountsResponse {
  @Id('The application', { example: 'wecare-fse-2026-1' }) applicationId!: string;
  @Day('Its cut-off', { example: '2026-06-30' }) cutOffDate!: string;
}

export class LineUnderAssessmentResponse extends DeclaredAmountsResponse {
  @Id('The grant', { example: 'officine-nido-grant' }) grantId!: string;
  @Id('Its CUP', { example: 'J11B17000270009' }) cup!: string;
  @Id('Its measure', { example: 'wecare-m4' }) measureId!: string;
  @Text('Its priority axis', { nullable: true, example: 'II' }) priorityAxis!: string | null;
  @Id('The payment left out', { example: 'mand-2026-0002' }) disbursementId!: string;
  @Id('The application that had declared it', { example: 'wecare-fse-2026-1' }) applicationId!: string;
}

export class AccountsResponse {
  @Id('The programme', { example: 'wecare' }) programmeId!: string;
  @OneOf(FUNDS, 'Fund', 'The fund') fund!: string;
  @Text('The accounting year', { example: '2025-2026' }) accountingYear!: string;
  @Nested(Act, 'The act adopting the accounts') act!: Act;
  @List(ApplicationInAccountsResponse, "The year's applications and their totals")
  applications!: ApplicationInAccountsResponse[];
  @Nested(DeclaredAmountsResponse, "The payments the year's applications declared, before deductions")
  declared!: DeclaredAmountsResponse;
  @Nested(DeclaredAmountsResponse, 'Corrections withdrawn by them (negative)') withdrawn!: DeclaredAmountsResponse;
  @Nested(DeclaredAmountsResponse, 'Recoveries deducted by them (negative)') recovered!: DeclaredAmountsResponse;
  @List(LineUnderAssessmentResponse, 'Payments left out while under assessment')
  underAssessment!: LineUnderAssessmentResponse[];
  @Nested(DeclaredAmountsResponse, 'declared + withdrawn + recovered − under assessment: the accounts')
  accounted!: DeclaredAmountsResponse;
  @Cents('Corrections to be recovered and not yet met by recoveries deducted, when the accounts were submitted')
  toBeRecoveredCents!: number;
  @Cents('Recoveries of declared grants written off as irrecoverable during the year') irrecoverableCents!: number;
  @Cents("What the Commission paid on the year's applications") receivedCents!: number;
  @Cents('The EU share accounted less what was received (negative: owed back)') balanceCents!: number;
  @Id('The accounting officer who submitted them', { example: 'dev:accounting-officer' }) submittedBy!: string;
  @Instant('When they were recorded') submittedAt!: string;
}

export class AccountsList {
  @List(AccountsResponse, 'The accounts submitted, by fund and year') items!: AccountsResponse[];
}
