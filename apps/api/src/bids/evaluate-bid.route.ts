import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { Id } from '../http/response-fields.js';

export class EvaluateBidDto {
  @ApiProperty()
  @IsBoolean()
  admissible!: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100, description: 'Required for an admissible bid' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  score?: number;
}

export class EvaluateBidResponse extends WriteResult {
  @Id('The bid', { example: 'officine-nido' })
  bidId!: string;
}

@ApiTags('bids')
@ApiBearerAuth()
@Controller()
export class EvaluateBidRoute {
  constructor(private readonly commands: Commands) {}

  @Post('bids/:bidId/evaluation')
  @HttpCode(200)
  @Roles('evaluator')
  @ApiCommand({
    operationId: 'evaluateBid',
    summary: 'Evaluate a bid: admissible with a score, or inadmissible',
    status: 200,
    type: EvaluateBidResponse,
    body: { type: EvaluateBidDto, summary: 'Admissible, scored 86', example: { admissible: true, score: 86 } },
    example: { bidId: 'officine-nido', revision: 1, position: '10' },
    problems: {
      404: 'BID_NOT_FOUND.',
      422: 'BID_ALREADY_EVALUATED, BID_WITHDRAWN, BID_AFTER_CLOSE (a late bid is never admitted), INVALID_SCORE.',
    },
  })
  evaluate(
    @CommandRequest() context: CommandContext,
    @Param('bidId', EntityIdPipe) bidId: string,
    @Body() body: EvaluateBidDto,
  ) {
    return this.commands.run(
      context,
      {
        type: 'EvaluateBid',
        bidId,
        admissible: body.admissible,
        score: body.score ?? null,
        evaluatedBy: context.actor,
      },
      { bidId },
    );
  }
}
