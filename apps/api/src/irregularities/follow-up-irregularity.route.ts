import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { IRREGULARITY_STATUSES, type IrregularityStatus } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class FollowUpIrregularityDto {
  @ApiProperty({
    enum: IRREGULARITY_STATUSES,
    enumName: 'IrregularityStatus',
    description:
      'open (nothing done yet), under-recovery (a correction or recovery under way), closed (settled: no more follow-up)',
  })
  @IsIn(IRREGULARITY_STATUSES)
  status!: IrregularityStatus;

  @IsCents(
    'Corrected to date, cumulative (withdrawn from declarations or cancelled), at most the irregular amount; absent: as before',
    true,
  )
  correctedCents?: number;

  @IsCents('Recovered from the beneficiary to date, cumulative, at most the irregular amount; absent: as before', true)
  recoveredCents?: number;

  @IsText('What happened (the act, the order, the outcome)', 2_000, true)
  note?: string;
}

export class FollowUpIrregularityResponse extends WriteResult {
  @Id('The irregularity', { example: 'irr-2026-007' })
  irregularityId!: string;
}

@ApiTags('irregularities')
@ApiBearerAuth()
@Controller()
export class FollowUpIrregularityRoute {
  constructor(private readonly commands: Commands) {}

  @Post('irregularities/:id/follow-up')
  @Roles('controller', 'programme-manager')
  @ApiCommand({
    operationId: 'followUpIrregularity',
    summary: 'Follow an irregularity up: its status and the amounts corrected and recovered to date',
    description:
      'Amounts are cumulative to date, in integer euro cents, each at most the irregular amount; an amount left out keeps its last figure. Closing the case ends its follow-up.',
    status: 201,
    type: FollowUpIrregularityResponse,
    body: {
      type: FollowUpIrregularityDto,
      summary: 'The whole amount corrected, EUR 5k recovered so far',
      example: {
        status: 'under-recovery',
        correctedCents: 3_000_000,
        recoveredCents: 500_000,
        note: 'Recovery ordered by D.D. 118/2026',
      },
    },
    example: { irregularityId: 'irr-2026-007', revision: 1, position: '57' },
    problems: {
      404: 'IRREGULARITY_NOT_FOUND.',
      422: {
        description:
          'IRREGULARITY_CLOSED (a closed irregularity takes no more follow-up), INVALID_INPUT (an amount above the irregular amount).',
        example: {
          code: 'IRREGULARITY_CLOSED',
          message: 'Irregularity irr-2026-007 is closed; it takes no more follow-up',
        },
      },
    },
  })
  followUp(
    @CommandRequest() context: CommandContext,
    @Param('id', EntityIdPipe) irregularityId: string,
    @Body() body: FollowUpIrregularityDto,
  ) {
    return this.commands.run(
      context,
      {
        type: 'FollowUpIrregularity',
        irregularityId,
        status: body.status,
        correctedCents: body.correctedCents ?? null,
        recoveredCents: body.recoveredCents ?? null,
        note: body.note ?? null,
        followedUpBy: context.actor,
      },
      { irregularityId },
    );
  }
}
