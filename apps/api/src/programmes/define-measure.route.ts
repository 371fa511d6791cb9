import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { FUNDS, type Fund } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class DefineMeasureDto {
  @IsEntityId('Chosen by the client, or generated')
  measureId?: string;

  @IsText('Short code, e.g. M1', 50)
  code!: string;

  @IsText('Title of the measure')
  title!: string;

  @ApiProperty({ enum: FUNDS })
  @IsIn(FUNDS)
  fund!: Fund;

  @IsCents('What the measure may spend from its fund, in integer euro cents')
  allocationCents!: number;

  @ApiPropertyOptional({
    default: false,
    description:
      'Touches health or social or economic hardship: its natural persons are never published, and shown only to the roles that act on them',
  })
  @IsOptional()
  @IsBoolean()
  sensitive?: boolean;

  @IsText(
    'The priority axis (2014-2020) or priority (2021-2027) of the programme the measure sits under, e.g. "II": payment applications total by it',
    64,
    true,
  )
  priorityAxis?: string;
}

export class DefineMeasureResponse extends WriteResult {
  @Id('The programme', { example: 'wecare' })
  programmeId!: string;

  @Id('The measure: the one given, or a generated UUID', { example: 'wecare-m4' })
  measureId!: string;
}

@ApiTags('programmes')
@ApiBearerAuth()
@Controller()
export class DefineMeasureRoute {
  constructor(private readonly commands: Commands) {}

  @Post('programmes/:programmeId/measures')
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'defineMeasure',
    summary: "Define a measure with its allocation from one of the programme's funds",
    status: 201,
    type: DefineMeasureResponse,
    body: {
      type: DefineMeasureDto,
      summary: 'WECARE M4, corporate welfare: EUR 4M from the FSE',
      example: {
        measureId: 'wecare-m4',
        code: 'M4',
        title: 'Corporate welfare',
        fund: 'FSE',
        allocationCents: 400_000_000,
        priorityAxis: 'II',
      },
    },
    example: { programmeId: 'wecare', measureId: 'wecare-m4', revision: 4, position: '5' },
    problems: {
      404: 'PROGRAMME_NOT_FOUND.',
      409: 'MEASURE_ALREADY_DEFINED: the measure id is taken.',
      422: "MEASURE_CODE_TAKEN, FUND_NOT_IN_PROGRAMME, FUND_AMOUNT_EXCEEDED (the measures would allocate more than the fund's share).",
    },
  })
  define(
    @CommandRequest() context: CommandContext,
    @Param('programmeId', EntityIdPipe) programmeId: string,
    @Body() body: DefineMeasureDto,
  ) {
    const measureId = body.measureId ?? generatedId(context, 'measure');
    const { code, title, fund, allocationCents } = body;
    return this.commands.run(
      context,
      {
        type: 'DefineMeasure',
        programmeId,
        measureId,
        code,
        title,
        fund,
        allocationCents,
        sensitive: body.sensitive ?? false,
        priorityAxis: body.priorityAxis ?? null,
      },
      { programmeId, measureId },
    );
  }
}
