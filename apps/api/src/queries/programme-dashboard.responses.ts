import { FUNDS, PROGRAMMING_PERIODS, type Fund, type ProgrammingPeriod } from '@app/funding';
import type { ProgrammeDashboardShown } from '@app/read-models';
import { Cents, Count, Day, Id, List, Nested, OneOf, Ratio, Text, Texts } from '../http/response-fields.js';
import { Cofinancing, ContributionSplit } from './cofinancing.responses.js';
import type { Shows } from './shows-document.js';

/** `GET /programmes/{programmeId}/dashboard`: the programme dashboards read model (programme-dashboards.projection.ts). */

export class RetentionRule {
  @OneOf(
    ['last-payment', 'award'],
    'RetentionFrom',
    'Counted from 31 December of the year of the last payment, or of the award',
  )
  from!: 'last-payment' | 'award';

  @Count('Years the records are kept')
  years!: number;
}

export class DeMinimisRule {
  @Cents('Ceiling per single undertaking')
  ceilingCents!: number;

  @Count('The rolling window, in years')
  windowYears!: number;
}

export class EligibilityPeriod {
  @Day('The first day') from!: string;
  @Day('The last day, included') to!: string;
}

export class ProgrammeRules {
  @OneOf(PROGRAMMING_PERIODS, 'ProgrammingPeriod', 'The programming period and so its regulation')
  programmingPeriod!: ProgrammingPeriod;

  @Nested(
    EligibilityPeriod,
    'When its operations may run and their expenditure be paid (Reg. 1303/2013 art. 65(2); 2021/1060 art. 63(2))',
  )
  eligibility!: EligibilityPeriod;

  @Nested(RetentionRule, 'How long the records of an operation are kept once it ends')
  retention!: RetentionRule;

  @Count('Days an unsuccessful applicant may appeal')
  appealWindowDays!: number;

  @Nested(DeMinimisRule, 'The de minimis ceiling')
  deMinimis!: DeMinimisRule;

  @Texts("The programme's intervention types; null: any", { nullable: true })
  interventionTypes!: string[] | null;

  @Texts("The programme's specific objectives; null: any", { nullable: true })
  specificObjectives!: string[] | null;
}

/** The money of a fund or a measure, each figure the sum of the events behind it. */
class MoneyTotals {
  @Cents('Reserved by calls that are open or closed')
  reservedCents!: number;

  @Cents('Awarded to grants, as first awarded')
  committedCents!: number;

  @Cents('Handed back to calls by revocations, final payments below the award and recoveries')
  releasedCents!: number;

  @Cents('Paid')
  disbursedCents!: number;

  @Cents(
    'Payable: what the expenditure verified so far entitles active grants to and was not paid yet (net of recoveries)',
  )
  payableCents!: number;

  @Cents('Expenditure declared in claims')
  declaredCents!: number;

  @Cents('Expenditure first-level control found eligible')
  verifiedCents!: number;

  @Cents('Paid beyond what grants are entitled to: due back, in all')
  recoveryDueCents!: number;

  @Cents('Principal received back')
  recoveredCents!: number;

  @Cents('Written off')
  writtenOffCents!: number;

  @Cents('Interest received on recoveries: shown apart, never budget')
  interestReceivedCents!: number;

  @Cents('Due, neither received nor written off')
  outstandingRecoveryCents!: number;
}

export class FundFigures extends MoneyTotals {
  @OneOf(FUNDS, 'Fund', 'FSE: European Social Fund; FESR: European Regional Development Fund')
  fund!: Fund;

  @Cents("The fund's share of the programme")
  amountCents!: number;

  @Cents('Allocated to measures')
  allocatedCents!: number;

  @Cents('amount − allocated')
  unallocatedCents!: number;

  @Cents('amount − (committed − released)')
  availableCents!: number;

  @Ratio('disbursed / amount', { example: 0.015 })
  absorption!: number;

  @Nested(
    Cofinancing,
    'Who pays each euro of the fund, EU / national / regional; null where the programme did not state it',
    {
      nullable: true,
    },
  )
  cofinancing!: Cofinancing | null;

  @Nested(
    ContributionSplit,
    'committed − released (what stays committed to grants) split by its co-financing, from that total, the parts summing to it exactly; null without co-financing',
    { nullable: true },
  )
  committedSplit!: ContributionSplit | null;

  @Nested(
    ContributionSplit,
    'disbursed − recovered (paid net of the principal recovered) split by its co-financing, from that total, the parts summing to it exactly; null without co-financing',
    { nullable: true },
  )
  paidSplit!: ContributionSplit | null;
}

export class MeasureFigures extends MoneyTotals {
  @Id('The measure', { example: 'wecare-m4' })
  measureId!: string;

  @Text('Short code', { example: 'M4' })
  code!: string;

  @Text('Title')
  title!: string;

  @OneOf(FUNDS, 'Fund', 'The fund it spends from')
  fund!: Fund;

  @Cents('What the measure may spend')
  allocationCents!: number;

  @Cents('allocation − reserved: what new calls could still reserve')
  unreservedCents!: number;

  @Cents('allocation − (committed − released): what is not committed to grants')
  availableCents!: number;

  @Ratio('disbursed / allocation')
  absorption!: number;
}

export class ProgrammeDashboard implements Shows<ProgrammeDashboardShown, ProgrammeDashboard> {
  @Id('The programme', { example: 'wecare' })
  programmeId!: string;

  @Text('Short code', { example: 'WECARE' })
  code!: string;

  @Text('Title')
  title!: string;

  @Nested(ProgrammeRules, "The programme's rules")
  rules!: ProgrammeRules;

  @List(FundFigures, 'Per fund')
  funds!: FundFigures[];

  @List(MeasureFigures, 'Per measure')
  measures!: MeasureFigures[];
}
