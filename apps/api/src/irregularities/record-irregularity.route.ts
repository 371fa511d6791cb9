import { Body, Controller, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { MAX_IRREGULARITY_DESCRIPTION, irregularityStream, type IrregularityRecorded } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult, Written } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText, MatchesDay } from '../http/field-rules.js';
import { Cents, Day, Flag, Id } from '../http/response-fields.js';

export class RecordIrregularityDto {
  @IsEntityId('Chosen by the client, or generated')
  irregularityId?: string;

  @IsText('What kind of breach: a code, e.g. the IMS category of irregularity (free text)', 100)
  type!: string;

  @ApiProperty({
    format: 'date',
    example: '2026-02-10',
    description:
      'The day of the first written finding (a control report, an audit, a judicial act), not after today: the OLAF deadline counts from its quarter',
  })
  @MatchesDay()
  firstWrittenFindingOn!: string;

  @IsCents(
    'The irregular amount of public contribution, in integer euro cents: more than 0, at most what the grant was paid',
  )
  irregularAmountCents!: number;

  @ApiProperty({
    type: 'boolean',
    description: 'Whether fraud is suspected: then it is reported to OLAF whatever its amount',
  })
  @IsBoolean()
  suspectedFraud!: boolean;

  @IsText('What was found', MAX_IRREGULARITY_DESCRIPTION)
  description!: string;
}

export class RecordIrregularityResponse extends WriteResult {
  @Id('The grant', { example: 'officine-nido-grant' })
  grantId!: string;

  @Id('The irregularity: the one given, or a generated UUID', { example: 'irr-2026-007' })
  irregularityId!: string;

  @Cents("The EU share of the irregular amount, by the co-financing of the grant's fund share", { example: 1_500_000 })
  euCents!: number;

  @Cents('The national share', { example: 1_050_000 })
  nationalCents!: number;

  @Cents('The regional share', { example: 450_000 })
  regionalCents!: number;

  @Flag('Above EUR 10,000 of EU share, or a suspected fraud: reported to OLAF')
  reportable!: boolean;

  @Day('The last day to report it to OLAF; null when not reportable', { nullable: true, example: '2026-05-31' })
  reportToOlafBy!: string | null;
}

@ApiTags('irregularities')
@ApiBearerAuth()
@Controller()
export class RecordIrregularityRoute {
  constructor(
    private readonly commands: Commands,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @Post('grants/:grantId/irregularities')
  @Roles('controller', 'programme-manager')
  @ApiCommand({
    operationId: 'recordIrregularity',
    summary: 'Record an irregularity found on a grant, with its EU share and whether it is reported to OLAF',
    description:
      "The irregular amount (integer euro cents, at most what the grant was paid) is split by the co-financing of the grant's fund share into EU, national and regional parts. One above EUR 10,000 of EU share, or any suspected fraud, is reportable to OLAF (IMS) by `reportToOlafBy`: the last day of the second month after the end of the calendar quarter of the first written finding (Reg. (EU) 2015/1970; 2021/1060 Annex XII). The grant's money does not move: a correction or a recovery is decided apart. See `GET /irregularities/{id}`.",
    status: 201,
    type: RecordIrregularityResponse,
    body: {
      type: RecordIrregularityDto,
      summary: 'EUR 30k of procurement breach found on 10 February 2026: EUR 15k EU share, report by 31 May',
      example: {
        irregularityId: 'irr-2026-007',
        type: 'PROCUREMENT',
        firstWrittenFindingOn: '2026-02-10',
        irregularAmountCents: 3_000_000,
        suspectedFraud: false,
        description: 'Supplier chosen without the comparison of quotes the call required (control report CL-2026-014)',
      },
    },
    example: {
      grantId: 'officine-nido-grant',
      irregularityId: 'irr-2026-007',
      euCents: 1_500_000,
      nationalCents: 1_050_000,
      regionalCents: 450_000,
      reportable: true,
      reportToOlafBy: '2026-05-31',
      revision: 0,
      position: '42',
    },
    problems: {
      404: 'GRANT_NOT_FOUND, PROGRAMME_NOT_FOUND, MEASURE_NOT_FOUND.',
      409: 'IRREGULARITY_ALREADY_RECORDED: the irregularity id is taken.',
      422: {
        description:
          "IRREGULAR_AMOUNT_EXCEEDS_PAID (with `paidCents`: the grant was paid less), COFINANCING_NOT_STATED (with `fund`: the programme states no co-financing for the fund share of the grant's measure, so there is no EU share to establish), INVALID_AMOUNT (not a positive amount), INVALID_INPUT (a first written finding after today, a blank type or description).",
        example: {
          code: 'IRREGULAR_AMOUNT_EXCEEDS_PAID',
          message: 'Grant officine-nido-grant was paid 2400000 cents; the irregular amount of 3000000 cents exceeds it',
          paidCents: 2_400_000,
        },
      },
    },
  })
  async record(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: RecordIrregularityDto,
  ) {
    const irregularityId = body.irregularityId ?? generatedId(context, 'irregularity');
    const written = await this.commands.run(
      context,
      {
        type: 'RecordIrregularity',
        grantId,
        irregularityId,
        irregularityType: body.type,
        firstWrittenFindingOn: body.firstWrittenFindingOn,
        irregularAmountCents: body.irregularAmountCents,
        suspectedFraud: body.suspectedFraud,
        description: body.description,
        recordedBy: context.actor,
      },
      { grantId, irregularityId },
    );
    // What the decision established, as recorded: the split, whether it is reportable, and by when.
    const [recorded] = await this.events.readStream(irregularityStream(irregularityId), { limit: 1 });
    const d = recorded!.data as IrregularityRecorded['data'];
    return new Written(written.outcome, {
      ...written.body,
      euCents: d.euCents,
      nationalCents: d.nationalCents,
      regionalCents: d.regionalCents,
      reportable: d.reportable,
      reportToOlafBy: d.reportToOlafBy,
    });
  }
}
