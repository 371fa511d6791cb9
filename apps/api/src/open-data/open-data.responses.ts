import { Cents, Day, Id, Instant, Integer, List, Text } from '../http/response-fields.js';

/**
 * One operation of the public list (EU Reg. 2021/1060 art. 49(3)): beneficiary (a legal person by
 * name, a natural person by a neutral label and region only), operation, call and measure, fund,
 * amounts, dates, location. Every operation, a natural person's in a sensitive measure too; nothing
 * that identifies a natural person, no tax codes. The CSV has the same columns, in this order.
 */
export class PublicOperation {
  @Id('The operation: its grant', { example: 'officine-nido-grant' }) operationId!: string;
  @Text('Codice Unico di Progetto', { example: 'J19E17000450009' }) cup!: string;
  @Text(
    "A legal person's name; for a natural person the neutral label `Natural person` (never named: Reg. 2021/1060 art. 49(3), D.lgs. 33/2013 art. 26(4))",
    { example: 'Officine Riunite Srl' },
  )
  beneficiaryName!: string;
  @Text('The type of beneficiary', { example: 'company' }) beneficiaryType!: string;
  @Text("A natural person's NUTS 2 region; null for a legal person", { nullable: true }) beneficiaryRegion!:
    string | null;
  @Text('Name of the operation') operationTitle!: string;
  @Text('What it is for', { nullable: true }) purpose!: string | null;
  @Id('Programme') programmeId!: string;
  @Text('Programme code', { example: 'WECARE' }) programmeCode!: string;
  @Id('Call') callId!: string;
  @Text('Call title') callTitle!: string;
  @Id('Measure') measureId!: string;
  @Text('Measure code', { example: 'M4' }) measureCode!: string;
  @Text('Measure title') measureTitle!: string;
  @Text('Fund', { example: 'FSE' }) fund!: string;
  @Text('Specific objective', { nullable: true }) specificObjective!: string | null;
  @Text('Type of intervention', { nullable: true }) interventionType!: string | null;
  @Integer('EU co-financing rate, in basis points (5000 = 50%)', { nullable: true }) euCoFinancingRateBp!:
    number | null;
  @Cents('Total eligible cost') totalEligibleCostCents!: number;
  @Cents('Awarded now') amountAwardedCents!: number;
  @Cents('Paid') amountPaidCents!: number;
  @Day('Start') startDate!: string;
  @Day('Planned end') plannedEndDate!: string;
  @Day('Actual end', { nullable: true }) actualEndDate!: string | null;
  @Text('NUTS 3 area; NUTS 2 for a natural person', { example: 'ITC11' }) location!: string;
  @Text('ISTAT municipality code; null for a natural person', { nullable: true }) municipality!: string | null;
  @Day(
    "The day the aid was granted: the award act's date (for awards recorded before acts, the day they were recorded)",
    { example: '2026-04-20' },
  )
  grantDate!: string;
  @Instant('When the award was recorded') awardedAt!: string;
  @Instant('When it was completed', { nullable: true }) completedAt!: string | null;
  @Instant('When it was revoked', { nullable: true }) revokedAt!: string | null;
  @Text('active, completed or revoked') status!: string;
}

export class PublicOperationList {
  @List(PublicOperation, 'Every operation, in order of award') operations!: PublicOperation[];
}
