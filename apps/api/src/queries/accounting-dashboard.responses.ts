import { FUNDS, type Fund } from '@app/funding';
import type { AccountingDashboardShown, AccountingYearFigures } from '@app/read-models';
import { Cents, Count, Day, Flag, Id, List, OneOf, Text } from '../http/response-fields.js';
import type { Shows } from './shows-document.js';

/** `GET /programmes/{programmeId}/accounting-dashboard`: the accounting-dashboards read model (accounting-dashboards.projection.ts). */

export class AccountingDashboardRow implements Shows<AccountingYearFigures, AccountingDashboardRow> {
  @OneOf(FUNDS, 'Fund', 'FSE: European Social Fund; FESR: European Regional Development Fund') fund!: Fund;
  @Text('The accounting year, 1 July to 30 June, written as its two calendar years', { example: '2025-2026' })
  accountingYear!: string;
  @Cents('Paid to beneficiaries: disbursements of the fund, by the day in Italy they were paid', {
    example: 3_000_000,
  })
  paidToBeneficiariesCents!: number;
  @Cents('Principal recovered from beneficiaries, by the value date of the receipt (interest not counted)')
  recoveredCents!: number;
  @Cents("Public contribution of the payments the year's payment applications declared, before deductions", {
    example: 3_000_000,
  })
  declaredPublicContributionCents!: number;
  @Cents('EU share of the same payments', { example: 1_200_000 })
  declaredEuShareCents!: number;
  @Cents(
    "Public contribution the year's payment applications declared net of their deductions (recoveries received, corrections withdrawn): the sum of their totals",
  )
  declaredNetPublicContributionCents!: number;
  @Cents("EU share of the year's payment applications, net of their deductions")
  declaredNetEuShareCents!: number;
  @Cents("What the Commission paid on the year's payment applications, whenever it arrived", { example: 1_140_000 })
  receivedFromCommissionCents!: number;
  @Cents("Public contribution of the payments the year's accounts left out while their expenditure is assessed")
  underAssessmentPublicContributionCents!: number;
  @Cents('EU share of the same payments')
  underAssessmentEuShareCents!: number;
  @Cents('Public contribution cancelled by financial corrections, by the day in Italy they were made')
  correctedCents!: number;
  @Count("The fund's payment applications for the year") applications!: number;
  @Flag("Whether the year's accounts of the fund were submitted") accountsSubmitted!: boolean;
  @Day('The day in Italy the accounts were submitted; null before', { nullable: true })
  accountsSubmittedOn!: string | null;
}

export class AccountingDashboard implements Shows<AccountingDashboardShown, AccountingDashboard> {
  @Id('The programme', { example: 'wecare' }) programmeId!: string;
  @List(
    AccountingDashboardRow,
    'One row per fund and accounting year some payment, recovery, application, receipt, correction or accounts touched, by fund (alphabetical), then year',
  )
  rows!: AccountingDashboardRow[];
}
