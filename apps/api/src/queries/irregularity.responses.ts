import { FUNDS, IRREGULARITY_STATUSES, type Fund, type IrregularityStatus } from '@app/funding';
import type { IrregularityFollowUp as FollowUpDocument, IrregularitySummary } from '@app/read-models';
import { Cents, Count, Day, Flag, Id, Instant, Integer, List, Nested, OneOf, Text } from '../http/response-fields.js';
import { Page } from './page.responses.js';
import type { Shows } from './shows-document.js';

/** `GET /irregularities`, `GET /irregularities/{id}`: the irregularities read model (irregularities.projection.ts). */

export class IrregularityCofinancing {
  @Integer('EU share, in basis points', { example: 5000 }) euBp!: number;
  @Integer('National share, in basis points', { example: 3500 }) nationalBp!: number;
  @Integer('Regional share, in basis points', { example: 1500 }) regionalBp!: number;
}

export class IrregularityFollowUp implements Shows<FollowUpDocument, IrregularityFollowUp> {
  @OneOf(IRREGULARITY_STATUSES, 'IrregularityStatus', 'The status it set') status!: IrregularityStatus;
  @Cents('Corrected to date') correctedCents!: number;
  @Cents('Recovered to date') recoveredCents!: number;
  @Text('What happened', { nullable: true }) note!: string | null;
  @Text('Who followed it up') followedUpBy!: string;
  @Instant('When') followedUpAt!: string;
}

export class Irregularity implements Shows<IrregularitySummary, Irregularity> {
  @Id('The irregularity', { example: 'irr-2026-007' }) irregularityId!: string;
  @Id('The grant it was found on', { example: 'officine-nido-grant' }) grantId!: string;
  @Id("The grant's call") callId!: string;
  @Id("The grant's programme") programmeId!: string;
  @Id("The grant's measure") measureId!: string;
  @OneOf(FUNDS, 'Fund', "The measure's fund, whose co-financing splits the amount") fund!: Fund;
  @Text("The grant's CUP") cup!: string;
  @Text('What kind of breach (e.g. an IMS category)', { example: 'PROCUREMENT' }) type!: string;
  @Day('The day of the first written finding') firstWrittenFindingOn!: string;
  @Cents('The irregular amount of public contribution', { example: 3_000_000 }) irregularAmountCents!: number;
  @Nested(IrregularityCofinancing, "The fund share's co-financing the split applied")
  cofinancing!: IrregularityCofinancing;
  @Cents('EU share of the irregular amount', { example: 1_500_000 }) euCents!: number;
  @Cents('National share', { example: 1_050_000 }) nationalCents!: number;
  @Cents('Regional share', { example: 450_000 }) regionalCents!: number;
  @Flag('Whether fraud is suspected') suspectedFraud!: boolean;
  @Text('What was found') description!: string;
  @Flag('Reported to OLAF: above EUR 10,000 of EU share, or a suspected fraud') reportable!: boolean;
  @Day('The last day to report it to OLAF: two months after the end of the quarter of the first written finding', {
    nullable: true,
  })
  reportToOlafBy!: string | null;
  @Text('Who recorded it') recordedBy!: string;
  @Instant('When it was recorded') recordedAt!: string;
  @OneOf(IRREGULARITY_STATUSES, 'IrregularityStatus', 'open, under-recovery or closed') status!: IrregularityStatus;
  @Cents('Corrected to date, as the latest follow-up said') correctedCents!: number;
  @Cents('Recovered to date, as the latest follow-up said') recoveredCents!: number;
  @Count('Follow-ups recorded') followUps!: number;
  @Nested(IrregularityFollowUp, 'The latest follow-up; null before any', { nullable: true })
  latestFollowUp!: IrregularityFollowUp | null;
}

export class IrregularityPage extends Page {
  @List(Irregularity, 'The irregularities, the reportable ones first by their OLAF deadline, then by id')
  items!: Irregularity[];
}
